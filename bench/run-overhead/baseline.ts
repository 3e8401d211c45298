import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  buildRunEnvironment,
  bundledTofuPath,
  runApplyPhase,
  runPlanPhase,
  runProcess,
  workspaceLayout,
} from '@gantry/runner';
import type { GitRepoFixture } from '@gantry/test-support';

/**
 * (b) Plain OpenTofu: `tofu init`, `tofu plan -out`, `tofu apply <plan>` in a fresh directory, with the
 * same kind of environment Gantry gives a run. This is the floor Gantry's overhead is measured against.
 */
export async function plainTofuRun(files: Record<string, string | null>): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-bench-plain-'));
  try {
    for (const [path, content] of Object.entries(files)) {
      if (content === null) continue;
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const layout = workspaceLayout(dir);
    await mkdir(layout.home, { recursive: true });
    await mkdir(layout.tmp, { recursive: true });
    await writeFile(layout.cliConfigFile, '');
    const binary = bundledTofuPath();
    const env = buildRunEnvironment({ workspaceDir: dir, vendorBinary: binary, variables: [] });
    const started = performance.now();
    for (const args of [['init', '-input=false'], ['plan', '-input=false', '-out=bench.tfplan'], ['apply', '-input=false', 'bench.tfplan']]) {
      const result = await runProcess({ command: binary, args, cwd: dir, env });
      if (result.exitCode !== 0) throw new Error(`tofu ${args[0]} failed with exit code ${result.exitCode}`);
    }
    return performance.now() - started;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * (r) Gantry's runner alone, without queue or database: plan phase (checkout, init, plan, show, archive)
 * then apply phase (restore, verify, apply) in separate directories, as two workers would.
 */
export async function runnerOnlyRun(repo: GitRepoFixture): Promise<number> {
  const workRoot = await mkdtemp(join(tmpdir(), 'gantry-bench-runner-'));
  try {
    const started = performance.now();
    const plan = await runPlanPhase({
      workRoot,
      source: { repositoryUrl: repo.url, sha: repo.sha },
      vendor: { kind: 'OPENTOFU' },
      variables: [],
      log: () => {},
    });
    await runApplyPhase({
      workRoot,
      archive: plan.archive,
      expectedPlanSha256: plan.planFileSha256,
      vendor: { kind: 'OPENTOFU' },
      variables: [],
      log: () => {},
    });
    return performance.now() - started;
  } finally {
    await rm(workRoot, { recursive: true, force: true });
  }
}
