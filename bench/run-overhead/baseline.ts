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
  type RepositoryCache,
} from '@gantry/runner';
import type { GitRepoFixture } from '@gantry/test-support';

/**
 * (b) Plain OpenTofu: `tofu init`, `tofu plan -out`, `tofu apply <plan>` in a fresh directory, with the
 * same kind of environment Gantry gives a run. This is the floor Gantry's overhead is measured against.
 */
export async function plainTofuRun(files: Record<string, string | null>): Promise<Measured> {
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
    const steps: Record<string, number> = {};
    for (const args of [['init', '-input=false'], ['plan', '-input=false', '-out=bench.tfplan'], ['apply', '-input=false', 'bench.tfplan']]) {
      const stepStarted = performance.now();
      const result = await runProcess({ command: binary, args, cwd: dir, env });
      if (result.exitCode !== 0) throw new Error(`tofu ${args[0]} failed with exit code ${result.exitCode}`);
      steps[args[0]!] = performance.now() - stepStarted;
    }
    return { ms: performance.now() - started, steps };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * (r) Gantry's runner alone, without queue or database, as a worker runs it:
 * - `archive`: plan phase (checkout, init, plan, show, archive) then apply phase (restore, verify,
 *   apply) in separate directories, as two workers would (a run confirmed by a human);
 * - `in-place`: plan phase keeping its workspace, then apply in it after verifying the plan hash,
 *   with `show -json` alongside (autodeploy, as the worker does it).
 * Both use a repository cache as a worker does (warm after the first run).
 */
export async function runnerOnlyRun(repo: Pick<GitRepoFixture, 'url' | 'sha'>, mode: 'archive' | 'in-place', cache: RepositoryCache): Promise<Measured> {
  const workRoot = await mkdtemp(join(tmpdir(), 'gantry-bench-runner-'));
  const common = { vendor: { kind: 'OPENTOFU' as const }, variables: [], log: () => {} };
  const source = { repositoryUrl: repo.url, sha: repo.sha };
  try {
    const started = performance.now();
    const steps: Record<string, number> = {};
    const add = (prefix: string, timings: Record<string, number>) => {
      for (const [step, ms] of Object.entries(timings)) steps[`${prefix}.${step}`] = ms;
    };
    if (mode === 'archive') {
      const plan = await runPlanPhase({ ...common, workRoot, source, repositoryCache: cache });
      add('plan', plan.timings);
      const applied = await runApplyPhase({ ...common, workRoot, archive: plan.archive, expectedPlanSha256: plan.planFileSha256 });
      add('apply', applied.timings);
    } else {
      const plan = await runPlanPhase({ ...common, workRoot, source, repositoryCache: cache, workspace: 'retain' });
      add('plan', plan.timings);
      // The summary is made while the plan is applied, as the worker does.
      const [described, applied] = await Promise.all([
        plan.workspace.describe(),
        plan.workspace.apply({ ...common, expectedPlanSha256: plan.planFileSha256 }),
      ]);
      add('describe', { show: described.timings.show ?? 0, summarize: described.timings.summarize ?? 0 });
      add('apply', applied.timings);
    }
    return { ms: performance.now() - started, steps };
  } finally {
    await rm(workRoot, { recursive: true, force: true });
  }
}

export interface Measured {
  ms: number;
  /** Milliseconds per step. */
  steps: Record<string, number>;
}
