import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { confirmRun, discardRun, getRun, listRuns, loadCurrentState, setVariable, stopRun, triggerRun } from '@gantry/core';
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
  terraformDataConfig,
  type GitRepoFixture,
} from '@gantry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './testing/harness.ts';

let h: Harness;
const repos: GitRepoFixture[] = [];
async function repo(files: Parameters<typeof createGitRepoFixture>[0]['files'], message?: string) {
  const fixture = await createGitRepoFixture({ files, ...(message ? { message } : {}) });
  repos.push(fixture);
  return fixture;
}

beforeAll(async () => {
  h = await createHarness('CoreLoop');
  await h.startWorker({ concurrency: 2 });
});

afterAll(async () => {
  await h?.close();
  await Promise.all(repos.map((r) => r.cleanup()));
});

describe('the core loop through a real worker process', () => {
  it('tracked run: trigger → UNCONFIRMED with a summary → confirm → FINISHED, local-exec ran, state stored', async () => {
    const fixture = await repo(localExecFileConfig({ projectRoot: 'infra' }), 'Write a marker file');
    const target = join(h.tmp, 'marker.txt');
    const stack = await h.stack({ name: 'loop-tracked', repositoryUrl: fixture.url, projectRoot: 'infra' });
    await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_output_file', value: target, secret: false });
    await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_content', value: 'héllo ✓ from gantry', secret: false });

    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    const planned = await h.waitForState(id, 'UNCONFIRMED');
    expect(planned.commitSha).toBe(fixture.sha);
    expect(planned.planSummary).toEqual({ add: 2, change: 0, destroy: 0, replace: 0 });
    expect(planned.resourceChanges?.map((c) => c.address).sort()).toEqual(['module.marker.terraform_data.marker', 'terraform_data.writer']);
    expect(planned.transitions.map((t) => t.state)).toEqual(['QUEUED', 'READY', 'PREPARING', 'INITIALIZING', 'PLANNING', 'UNCONFIRMED']);
    expect(existsSync(target)).toBe(false);

    await confirmRun(h.scope, id);
    const finished = await h.waitForState(id, 'FINISHED');
    expect(finished.transitions.map((t) => t.state).slice(5)).toEqual(['UNCONFIRMED', 'CONFIRMED', 'PREPARING_APPLY', 'APPLYING', 'FINISHED']);
    expect(readFileSync(target, 'utf8')).toBe('héllo ✓ from gantry');

    const state = await loadCurrentState(h.scope, stack.id);
    expect(state?.version).toBe(1);
    expect(JSON.parse(state!.bytes.toString('utf8')).resources.length).toBeGreaterThanOrEqual(2);

    // The persisted log has every phase, in order, tagged with its state.
    const chunks = await h.scope.db.logChunk.findMany({ where: { runId: id }, orderBy: { seq: 'asc' } });
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    const states = [...new Set(chunks.map((c) => c.state))];
    expect(states).toEqual(expect.arrayContaining(['PREPARING', 'INITIALIZING', 'PLANNING', 'APPLYING']));
    const log = stripVTControlCharacters(chunks.map((c) => c.text).join(''));
    expect(log).toMatch(/Plan: 2 to add, 0 to change, 0 to destroy/);
    expect(log).toMatch(/Apply complete! Resources: 2 added/);

    // A second run plans against the stored state: nothing to do.
    const again = await triggerRun(h.scope, { stackId: stack.id });
    const noop = await h.waitForState(again.id, 'FINISHED');
    expect(noop.planSummary).toEqual({ add: 0, change: 0, destroy: 0, replace: 0 });
  });

  it('autodeploy applies without confirmation; a no-op plan finishes', async () => {
    const fixture = await repo(terraformDataConfig({ count: 2 }));
    const stack = await h.stack({ name: 'loop-autodeploy', repositoryUrl: fixture.url, autodeploy: true });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    const run = await h.waitForState(id, 'FINISHED');
    expect(run.transitions.map((t) => t.state)).toEqual(['QUEUED', 'READY', 'PREPARING', 'INITIALIZING', 'PLANNING', 'APPLYING', 'FINISHED']);
    expect(run.confirmedBy).toBeNull();
    expect((await loadCurrentState(h.scope, stack.id))?.version).toBe(1);

    const empty = await repo(noChangesConfig());
    const noopStack = await h.stack({ name: 'loop-noop', repositoryUrl: empty.url });
    const noop = await triggerRun(h.scope, { stackId: noopStack.id });
    const done = await h.waitForState(noop.id, 'FINISHED');
    expect(done.hasChanges).toBe(false);
    expect(done.transitions.at(-2)?.state).toBe('PLANNING');
  });

  it('secrets are masked in the persisted log; the run sees only its own environment', async () => {
    const fixture = await repo({ ...secretPrinterConfig({ projectRoot: 'secret' }), ...envDumpConfig({ projectRoot: 'env' }) });
    const stack = await h.stack({ name: 'loop-secret', repositoryUrl: fixture.url, projectRoot: 'secret', autodeploy: true });
    await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_token', value: 's3cr3t-t0ken-value', secret: true });
    await setVariable(h.scope, { stackId: stack.id, name: 'APP_TOKEN', value: 'app-t0ken-s3cret', secret: true });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'FINISHED');
    const log = await h.logText(id);
    expect(log).toContain('token=*****');
    expect(log).toContain('the token is *****');
    expect(log).not.toContain('s3cr3t-t0ken-value');
    expect(log).not.toContain('app-t0ken-s3cret');

    const dumpFile = join(h.tmp, 'env-dump.txt');
    const envStack = await h.stack({ name: 'loop-env', repositoryUrl: fixture.url, projectRoot: 'env', autodeploy: true });
    await setVariable(h.scope, { stackId: envStack.id, name: 'TF_VAR_dump_file', value: dumpFile, secret: false });
    await setVariable(h.scope, { stackId: envStack.id, name: 'STACK_PLAIN', value: 'visible', secret: false });
    const envRun = await triggerRun(h.scope, { stackId: envStack.id });
    await h.waitForState(envRun.id, 'FINISHED');
    const dumped = readFileSync(dumpFile, 'utf8');
    expect(dumped).toContain('STACK_PLAIN=visible');
    expect(dumped).not.toMatch(/WORKER_ONLY_SECRET|DATABASE_URL|REDIS_URL|GANTRY_ENCRYPTION_KEY/);
    expect(dumped).toMatch(new RegExp(`^HOME=${h.tmp}/work-0/`, 'm'));
  });

  it('runs.get resource changes: afterUnknown for values known after apply; stack secrets never appear', async () => {
    const secret = 'rc-s3cr3t-value-42';
    const fixture = await repo({
      'main.tf': `variable "token" {
  type = string
}

variable "region" {
  type = string
}

resource "terraform_data" "with_secret" {
  input = {
    token  = var.token
    url    = "https://deploy:\${var.token}@git.example.test/infra.git"
    region = var.region
  }
}
`,
    });
    // Autodeploy records the summary while it applies (recordPlanSummary); a plan waiting for a
    // confirmation records it with the plan (recordPlan). Both paths, same rules.
    for (const autodeploy of [true, false]) {
      const stack = await h.stack({ name: `loop-changes-${autodeploy ? 'auto' : 'confirm'}`, repositoryUrl: fixture.url, autodeploy });
      await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_token', value: secret, secret: true });
      await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_region', value: 'eu-north-1', secret: false });
      const { id } = await triggerRun(h.scope, { stackId: stack.id });
      const run = await h.waitForState(id, autodeploy ? 'FINISHED' : 'UNCONFIRMED');
      expect(run.resourceChanges).toHaveLength(1);
      const [change] = run.resourceChanges!;
      expect(change).toMatchObject({
        address: 'terraform_data.with_secret',
        action: 'create',
        before: null,
        after: { input: { token: '*****', url: 'https://deploy:*****@git.example.test/infra.git', region: 'eu-north-1' } },
        // A created terraform_data's id and output are known only after apply.
        afterUnknown: { id: true, output: true },
      });
      expect(JSON.stringify(run.resourceChanges)).not.toContain(secret);
      if (!autodeploy) await discardRun(h.scope, id);
    }
  });

  it('the stack lock: a second tracked run waits in QUEUED with the reason and starts after the first ends', async () => {
    const fixture = await repo(terraformDataConfig({ count: 1 }));
    const stack = await h.stack({ name: 'loop-lock', repositoryUrl: fixture.url });
    const first = await triggerRun(h.scope, { stackId: stack.id });
    const second = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(first.id, 'UNCONFIRMED');
    const waiting = await getRun(h.scope, second.id);
    expect(waiting.state).toBe('QUEUED');
    expect(waiting.queueReason).toMatch(new RegExp(`Waiting for run ${first.id.slice(-8)} to finish`));
    expect(waiting.waitingForRunId).toBe(first.id);
    await confirmRun(h.scope, first.id);
    await h.waitForState(first.id, 'FINISHED');
    const secondDone = await h.waitForState(second.id, 'FINISHED'); // plans against the new state: no changes
    const firstFinishedAt = (await getRun(h.scope, first.id)).finishedAt!;
    const secondReady = secondDone.transitions.find((t) => t.state === 'READY')!;
    expect(secondReady.at.getTime()).toBeGreaterThanOrEqual(firstFinishedAt.getTime());
    const list = await listRuns(h.scope, { stackId: stack.id });
    expect(list.items.map((r) => r.id)).toEqual([second.id, first.id]);
    expect(list.items[1]).toMatchObject({ state: 'FINISHED', commitSha: fixture.sha, triggeredBy: { name: 'CoreLoop User' } });
    expect(list.items[1]!.durationMs).toBeGreaterThan(0);
  });

  it('a run queued behind another runs the commit that was the head when it was triggered', async () => {
    const fixture = await repo(terraformDataConfig({ count: 1 }), 'One item');
    const stack = await h.stack({ name: 'loop-pinned', repositoryUrl: fixture.url });
    const first = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(first.id, 'UNCONFIRMED');
    const atTrigger = fixture.sha;
    const second = await triggerRun(h.scope, { stackId: stack.id });
    expect(second.state).toBe('QUEUED');
    // Pinned shortly after the trigger, by the process that handled it, while the run waits.
    const waiting = await h.waitForRun(second.id, (run) => run.commitSha !== null, 30_000);
    expect(waiting).toMatchObject({ state: 'QUEUED', commitSha: atTrigger });

    // A push before the queued run starts does not change what it runs.
    const pushed = await fixture.commit(terraformDataConfig({ count: 2 }), 'Two items');
    expect(pushed).not.toBe(atTrigger);
    await discardRun(h.scope, first.id);
    const planned = await h.waitForState(second.id, 'UNCONFIRMED');
    expect(planned.commitSha).toBe(atTrigger);
    expect(planned.commitMessage).toBe('One item');
    expect(planned.planSummary).toEqual({ add: 1, change: 0, destroy: 0, replace: 0 });
    expect(stripVTControlCharacters(await h.logText(second.id))).not.toContain('Resolving branch');

    // A run triggered now gets the new head.
    await discardRun(h.scope, second.id);
    const third = await triggerRun(h.scope, { stackId: stack.id });
    const latest = await h.waitForState(third.id, 'UNCONFIRMED');
    expect(latest.commitSha).toBe(pushed);
    expect(latest.planSummary).toEqual({ add: 2, change: 0, destroy: 0, replace: 0 });
    await discardRun(h.scope, third.id);
  });

  it('different stacks run in parallel up to the worker concurrency', async () => {
    const fixture = await repo(blockingPlanConfig());
    const fifos = [join(h.tmp, 'gate-a'), join(h.tmp, 'gate-b')];
    await Promise.all(fifos.map((f) => createFifo(f)));
    const runs = [];
    for (const [i, fifo] of fifos.entries()) {
      const stack = await h.stack({ name: `loop-parallel-${i}`, repositoryUrl: fixture.url });
      await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_block_on', value: fifo, secret: false });
      runs.push(await triggerRun(h.scope, { stackId: stack.id }));
    }
    // Both plans block on their FIFO at the same time: they run in parallel.
    await Promise.all(runs.map((r) => h.waitForState(r.id, 'PLANNING')));
    // Stop kills the blocked tofu; both runs end STOPPED and the slots are free again.
    await Promise.all(runs.map((r) => stopRun(h.scope, r.id)));
    for (const r of runs) {
      const run = await getRun(h.scope, r.id);
      expect(run.state).toBe('STOPPED');
    }
    await h.workers[0]!.waitFor(new RegExp(`run ${runs[1]!.id} plan: stopped`), 30_000);
    await h.workers[0]!.waitFor(new RegExp(`run ${runs[0]!.id} plan: stopped`), 30_000);
  });

  it('bad input fails at the right state with the reason in the log', async () => {
    // Unreachable repository.
    const gone = await h.stack({ name: 'loop-unreachable', repositoryUrl: join(h.tmp, 'no-such-repo') });
    const a = await triggerRun(h.scope, { stackId: gone.id });
    const failedA = await h.waitForState(a.id, 'FAILED');
    expect(failedA.transitions.at(-2)?.state).toBe('PREPARING');
    expect(failedA.error).toMatch(/Could not read repository/);
    expect(await h.logText(a.id)).toMatch(/does not appear to be a git repository|not found|No such file/i);

    // Missing branch and missing project root are named.
    const fixture = await repo(terraformDataConfig());
    const noBranch = await h.stack({ name: 'loop-no-branch', repositoryUrl: fixture.url, branch: 'release-42' });
    const b = await triggerRun(h.scope, { stackId: noBranch.id });
    expect((await h.waitForState(b.id, 'FAILED')).error).toMatch(/release-42/);
    const noRoot = await h.stack({ name: 'loop-no-root', repositoryUrl: fixture.url, projectRoot: 'does/not/exist' });
    const c = await triggerRun(h.scope, { stackId: noRoot.id });
    const failedC = await h.waitForState(c.id, 'FAILED');
    expect(failedC.error).toMatch(/does\/not\/exist/);
    expect(failedC.transitions.at(-2)?.state).toBe('PREPARING');

    // Invalid HCL: OpenTofu's error with file:line.
    const broken = await repo(invalidHclConfig());
    const hcl = await h.stack({ name: 'loop-bad-hcl', repositoryUrl: broken.url });
    const d = await triggerRun(h.scope, { stackId: hcl.id });
    const failedD = await h.waitForState(d.id, 'FAILED');
    expect(failedD.error).toMatch(new RegExp(`main\\.tf line ${INVALID_HCL_ERROR_LINE}`));
    expect(await h.logText(d.id)).toMatch(/main\.tf line 5/);
  });

  it('double confirm through the API applies exactly once', async () => {
    const fixture = await repo(localExecFileConfig());
    const target = join(h.tmp, 'once.txt');
    const stack = await h.stack({ name: 'loop-once', repositoryUrl: fixture.url });
    await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_output_file', value: target, secret: false });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'UNCONFIRMED');
    const results = await Promise.allSettled([confirmRun(h.scope, id), confirmRun(h.scope, id), confirmRun(h.scope, id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    await h.waitForState(id, 'FINISHED');
    const run = await getRun(h.scope, id);
    expect(run.transitions.filter((t) => t.state === 'APPLYING')).toHaveLength(1);
    expect(existsSync(target)).toBe(true);
  });

  it('discard an UNCONFIRMED plan; the stored plan is never applied', async () => {
    const fixture = await repo(terraformDataConfig({ count: 1 }));
    const stack = await h.stack({ name: 'loop-discard', repositoryUrl: fixture.url });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'UNCONFIRMED');
    expect((await discardRun(h.scope, id)).state).toBe('DISCARDED');
    expect(await loadCurrentState(h.scope, stack.id)).toBeNull();
  });
});
