import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { RepositoryCache, type CommitDetails } from '@gantry/vcs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGitRepoFixture,
  localExecFileConfig,
  terraformDataConfig,
  type FixtureFiles,
  type GitRepoFixture,
} from '@gantry/test-support';
import { PlanIntegrityError } from '../errors.ts';
import { runApplyPhase, type ApplyStage } from './apply-phase.ts';
import { runPlanPhase, type PlanStage } from './plan-phase.ts';

// The workspace kept on the planning worker (autodeploy applies it in place) and the repository
// cache. The archive path (apply on any worker) is covered in phases.int.test.ts.
const OPENTOFU = { kind: 'OPENTOFU' } as const;
let scratch: string;
const repos: GitRepoFixture[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'gantry-retained-'));
});

afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.cleanup()));
  await rm(scratch, { recursive: true, force: true });
});

async function repoWith(files: FixtureFiles, message?: string): Promise<GitRepoFixture> {
  const repo = await createGitRepoFixture({ files, ...(message ? { message } : {}) });
  repos.push(repo);
  return repo;
}

const freshDir = (name: string) => mkdtemp(join(scratch, `${name}-`));

function logSink<Stage extends string>() {
  const entries: Array<{ stage: Stage; text: string }> = [];
  return {
    log: (stage: Stage, text: string) => void entries.push({ stage, text }),
    text: (stage?: Stage) => stripVTControlCharacters(entries.filter((e) => !stage || e.stage === stage).map((e) => e.text).join('')),
  };
}

async function retainedPlan(repo: GitRepoFixture, variables: Array<{ name: string; value: string }> = []) {
  const workRoot = await freshDir('work');
  const plan = await runPlanPhase({
    workRoot,
    source: { repositoryUrl: repo.url, sha: repo.sha },
    vendor: OPENTOFU,
    variables,
    log: () => {},
    workspace: 'retain',
  });
  return { plan, workRoot };
}

describe('a plan whose workspace stays on the worker', () => {
  it('applies in place after checking the plan hash, keeps state and outputs, and removes the workspace', async () => {
    const repo = await repoWith(localExecFileConfig());
    const outputFile = join(await freshDir('out'), 'written.txt');
    const variables = [{ name: 'TF_VAR_output_file', value: outputFile }];
    const { plan, workRoot } = await retainedPlan(repo, variables);
    expect(plan).not.toHaveProperty('archive');
    expect(plan.workspace.planFileSha256).toBe(plan.planFileSha256);
    expect(await readdir(workRoot)).toHaveLength(1);

    expect(plan).not.toHaveProperty('summary');
    const sink = logSink<ApplyStage>();
    const stages: ApplyStage[] = [];
    // The summary is made while the plan is applied (an autodeploy run does so).
    const described = plan.workspace.describe();
    const applied = await plan.workspace.apply({
      expectedPlanSha256: plan.planFileSha256,
      vendor: OPENTOFU,
      variables,
      log: sink.log,
      onStage: (stage) => void stages.push(stage),
    });
    const { summary, planJson, timings } = await described;
    expect(summary).toMatchObject({ add: 2, change: 0, destroy: 0, hasChanges: true });
    expect(summary.resourceChanges.map((change) => change.address).sort()).toEqual(['module.marker.terraform_data.marker', 'terraform_data.writer']);
    expect(planJson.resource_changes?.length).toBe(2);
    expect(timings.show).toBeGreaterThan(0);
    expect(await plan.workspace.describe()).toBe(await described);
    expect(stages).toEqual(['PREPARING_APPLY', 'APPLYING']);
    expect(sink.text('PREPARING_APPLY')).toContain(`Plan file verified (SHA-256 ${plan.planFileSha256})`);
    expect(sink.text('APPLYING')).toContain('Apply complete! Resources: 2 added');
    expect(await readFile(outputFile, 'utf8')).toBe('written by gantry');
    // Outputs come from the state file: the same shape as `tofu output -json`.
    expect(applied.outputs.label).toEqual({ value: 'written by gantry', sensitive: false, type: 'string' });
    expect(JSON.parse(applied.stateOut!.toString('utf8')).resources).toHaveLength(2);
    expect(applied.timings.apply).toBeGreaterThan(0);
    expect(applied.timings).not.toHaveProperty('output');
    expect(await readdir(workRoot)).toEqual([]);
  });

  it('refuses a plan file changed after planning, or a recorded hash that differs, and applies nothing', async () => {
    const repo = await repoWith(localExecFileConfig());
    const outputFile = join(await freshDir('tamper-out'), 'must-not-exist.txt');
    const variables = [{ name: 'TF_VAR_output_file', value: outputFile }];

    const { plan, workRoot } = await retainedPlan(repo, variables);
    const planFile = join(plan.workspace.dir, plan.workspace.manifest.planFile);
    await writeFile(planFile, Buffer.concat([await readFile(planFile), Buffer.from([0])]));
    const sink = logSink<ApplyStage>();
    const stages: ApplyStage[] = [];
    const error = await plan.workspace
      .apply({ expectedPlanSha256: plan.planFileSha256, vendor: OPENTOFU, variables, log: sink.log, onStage: (s) => void stages.push(s) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanIntegrityError);
    expect(stages).toEqual(['PREPARING_APPLY']);
    expect(sink.text('PREPARING_APPLY')).toContain('refusing to apply');
    expect(existsSync(outputFile)).toBe(false);
    expect(await readdir(workRoot)).toEqual([]);

    const second = await retainedPlan(repo, variables);
    await expect(
      second.plan.workspace.apply({ expectedPlanSha256: 'e'.repeat(64), vendor: OPENTOFU, variables, log: () => {} }),
    ).rejects.toBeInstanceOf(PlanIntegrityError);
    expect(existsSync(outputFile)).toBe(false);
  });

  it('packs on demand an archive that any worker applies (the human-confirmed path)', async () => {
    const repo = await repoWith(localExecFileConfig({ projectRoot: 'stacks/app' }));
    const outputFile = join(await freshDir('archived-out'), 'written.txt');
    const variables = [{ name: 'TF_VAR_output_file', value: outputFile }];
    const workRoot = await freshDir('archived-plan');
    const plan = await runPlanPhase({
      workRoot,
      source: { repositoryUrl: repo.url, sha: repo.sha, projectRoot: 'stacks/app' },
      vendor: OPENTOFU,
      variables,
      log: () => {},
      workspace: 'retain',
    });
    const [archive, description] = await Promise.all([plan.workspace.archive(), plan.workspace.describe()]);
    expect(await plan.workspace.archive()).toBe(archive);
    expect(description.summary.add).toBe(2);
    await plan.workspace.dispose();
    // What was made before dispose stays available; nothing new can be made.
    expect(await plan.workspace.describe()).toBe(description);
    const unused = (
      await runPlanPhase({
        workRoot: await freshDir('unused'),
        source: { repositoryUrl: repo.url, sha: repo.sha, projectRoot: 'stacks/app' },
        vendor: OPENTOFU,
        variables,
        log: () => {},
        workspace: 'retain',
      })
    ).workspace;
    await unused.dispose();
    await expect(unused.describe()).rejects.toThrow(/disposed/);
    await expect(unused.archive()).rejects.toThrow(/disposed/);
    expect(await readdir(workRoot)).toEqual([]);
    expect(await plan.workspace.archive()).toBe(archive);

    const applyRoot = await freshDir('archived-apply');
    const applied = await runApplyPhase({
      workRoot: applyRoot,
      archive,
      expectedPlanSha256: plan.planFileSha256,
      vendor: OPENTOFU,
      variables,
      log: () => {},
    });
    expect(await readFile(outputFile, 'utf8')).toBe('written by gantry');
    expect(applied.timings.restore).toBeGreaterThan(0);
    expect(await readdir(applyRoot)).toEqual([]);
  });
});

describe('the repository cache and commit details', () => {
  it('plans from the cache the second time, tells the commit message and logs the vendor version every time', async () => {
    const repo = await repoWith(terraformDataConfig({ count: 1 }), 'Add one item\n\nWith a body.');
    const cache = new RepositoryCache(join(scratch, 'git-cache'));
    const plans = [];
    for (const name of ['first', 'second']) {
      const sink = logSink<PlanStage>();
      const told: CommitDetails[] = [];
      const plan = await runPlanPhase({
        workRoot: await freshDir(name),
        source: { repositoryUrl: repo.url, sha: repo.sha },
        vendor: OPENTOFU,
        variables: [],
        log: sink.log,
        repositoryCache: cache,
        onCheckout: (commit) => void told.push(commit),
      });
      expect(told).toEqual([plan.commit]);
      expect(plan.commit).toMatchObject({ sha: repo.sha, message: 'Add one item', fullMessage: 'Add one item\n\nWith a body.' });
      expect(sink.text('PREPARING')).toContain(`Commit ${repo.sha.slice(0, 12)} by Gantry Test: Add one item`);
      expect(sink.text('INITIALIZING')).toMatch(/^\[gantry\] OpenTofu v\d+\.\d+\.\d+$/m);
      plans.push({ plan, log: sink.text('PREPARING') });
    }
    expect(plans[0]!.log).not.toContain('repository cache');
    expect(plans[1]!.log).toContain('Commit found in the repository cache of this worker');
    expect(plans[1]!.plan.planFileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(plans[1]!.plan.summary.add).toBe(1);
  });
});
