import { createGitRepoFixture, terraformDataConfig, type GitRepoFixture } from '@gantry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountScope } from '../context.ts';
import { createStack } from '../stacks/stacks.ts';
import { createTestAccount, createTestServices, type TestServices } from '../testing.ts';
import { confirmRun, discardRun, retryRun, stopRun, triggerRun } from './commands.ts';
import { advance, claimPhase, finishApply, heartbeat, loadPlanArchive, PlanDetailsRequiredError, recordPlan, recordPlanSummary, type WorkerIdentity } from './phases.ts';
import { LeaseLostError } from './transition.ts';
import { loadCurrentState, storeState } from '../state/stack-state.ts';
import { setVariable } from '../env/variables.ts';
import { createLogChunkStore } from '../logs/log-chunk-store.ts';
import { getRun, listRuns } from './queries.ts';
import { reapExpiredLeases } from './reaper.ts';
import { CommitPins } from './pin-commit.ts';

let t: TestServices;
let repo: GitRepoFixture;
let scope: AccountScope;
const worker: WorkerIdentity = { id: 'test-worker', leaseMs: 60_000 };

const plan = (hasChanges = true) => ({
  hasChanges,
  summary: { add: hasChanges ? 1 : 0, change: 0, destroy: 0, replace: 0 },
  resourceChanges: hasChanges ? [{ address: 'terraform_data.a', actions: ['create'], before: null, after: { input: 'x' } }] : [],
  planFileSha256: 'a'.repeat(64),
  archive: Buffer.from('archive bytes'),
});

async function newStack(name: string, extra: { autodeploy?: boolean } = {}) {
  return createStack(scope, { name, repositoryUrl: repo.url, branch: 'main', labels: [], ...extra });
}

async function outboxJobs() {
  const rows = await t.services.prisma.outbox.findMany({ orderBy: { createdAt: 'asc' } });
  return rows.map((r) => r.payload as { runId: string; phase: string });
}

/** Drives a run through the worker's plan steps by hand. */
async function planThrough(runId: string, hasChanges = true) {
  const claimed = await claimPhase(scope, runId, 'plan', worker);
  if (!claimed) throw new Error('not claimed');
  await advance(scope, runId, claimed.leaseToken, { type: 'START_INITIALIZING' }, { actorId: worker.id });
  await advance(scope, runId, claimed.leaseToken, { type: 'START_PLANNING' }, { actorId: worker.id });
  return { ...claimed, run: await recordPlan(scope, runId, claimed.leaseToken, plan(hasChanges), worker.id) };
}

beforeAll(async () => {
  t = await createTestServices();
  repo = await createGitRepoFixture({ files: terraformDataConfig(), message: 'Add resources' });
  ({ scope } = await createTestAccount(t.services, 'Lifecycle'));
});

afterAll(async () => {
  await repo?.cleanup();
  await t?.cleanup();
});

describe('run lifecycle (core, no worker)', () => {
  it('a claim reads what the phase starts from in its transaction: variables (secrets opened), state, the log’s last seq', async () => {
    const stack = await newStack('lifecycle-claim-inputs', { autodeploy: false });
    await setVariable(scope, { stackId: stack.id, name: 'TF_VAR_region', value: 'eu-west-1', secret: false });
    await setVariable(scope, { stackId: stack.id, name: 'API_TOKEN', value: 's3cret', secret: true });
    await storeState(scope, stack.id, null, Buffer.from('{"version":4,"serial":1}'));
    const ref = await triggerRun(scope, { stackId: stack.id });
    const planned = await planThrough(ref.id);
    expect(planned.inputs.variables).toEqual([
      { name: 'API_TOKEN', value: 's3cret', secret: true },
      { name: 'TF_VAR_region', value: 'eu-west-1', secret: false },
    ]);
    expect(planned.inputs.state?.toString()).toBe('{"version":4,"serial":1}');
    expect(planned.logMaxSeq).toBeNull();
    // The plan phase logged three chunks; the apply phase's claim continues after them.
    await createLogChunkStore(scope.db).append([0, 1, 2].map((seq) => ({ runId: ref.id, seq, state: 'PLANNING', text: `line ${seq}\n` })));
    await confirmRun(scope, ref.id);
    const apply = await claimPhase(scope, ref.id, 'apply', worker);
    expect(apply?.logMaxSeq).toBe(2);
    expect(apply?.inputs.variables.map((v) => v.name)).toEqual(['API_TOKEN', 'TF_VAR_region']);
    await scope.services.commitPins.settle();
  });

  it('a claim tells onLocked the locked run and stack before it commits; a stale claim does not', async () => {
    const stack = await newStack('lifecycle-on-locked');
    const ref = await triggerRun(scope, { stackId: stack.id });
    const seen: Array<{ runId: string; state: string; repositoryUrl: string; branch: string }> = [];
    const claimed = await claimPhase(scope, ref.id, 'plan', worker, {
      // The rows as locked, before the claim's transition is written.
      onLocked: ({ run, stack: locked }) => seen.push({ runId: run.id, state: run.state, repositoryUrl: locked.repositoryUrl, branch: locked.branch }),
    });
    expect(claimed?.run.state).toBe('PREPARING');
    expect(seen).toEqual([{ runId: ref.id, state: 'READY', repositoryUrl: repo.url, branch: 'main' }]);
    let calls = 0;
    expect(await claimPhase(scope, ref.id, 'plan', worker, { onLocked: () => calls++ })).toBeNull();
    expect(calls).toBe(0);
    await scope.services.commitPins.settle();
  });

  it('trigger records the timeline and enqueues the plan in the same transaction; the branch head is pinned after it', async () => {
    const stack = await newStack('lifecycle-a');
    const ref = await triggerRun(scope, { stackId: stack.id });
    expect(ref.state).toBe('READY');
    // No git in the request: the trigger's process looks the branch head up once the run is
    // committed, and pins the run to it (the message comes from the worker's checkout).
    await scope.services.commitPins.settle();
    const run = await getRun(scope, ref.id);
    expect(run.commitSha).toBe(repo.sha);
    expect(run.commitMessage).toBeNull();
    expect(run.triggeredBy?.name).toBe('Lifecycle User');
    expect(run.transitions.map((tr) => tr.state)).toEqual(['QUEUED', 'READY']);
    expect((await outboxJobs()).filter((j) => j.runId === ref.id)).toEqual([{ accountId: scope.account.id, runId: ref.id, phase: 'plan' }]);
  });

  it('one tracked run per stack: the second waits with a reason and starts when the first ends', async () => {
    const stack = await newStack('lifecycle-lock');
    const first = await triggerRun(scope, { stackId: stack.id });
    const second = await triggerRun(scope, { stackId: stack.id });
    const third = await triggerRun(scope, { stackId: stack.id });
    expect([first.state, second.state, third.state]).toEqual(['READY', 'QUEUED', 'QUEUED']);
    const waiting = await getRun(scope, second.id);
    // People read the short id; the full id is beside it for links.
    expect(waiting.queueReason).toBe(`Waiting for run ${first.id.slice(-8)} to finish: a stack runs one tracked run at a time`);
    expect(waiting.waitingForRunId).toBe(first.id);
    expect((await outboxJobs()).some((j) => j.runId === second.id)).toBe(false);

    // UNCONFIRMED still holds the lock.
    await planThrough(first.id);
    expect((await getRun(scope, second.id)).state).toBe('QUEUED');

    await discardRun(scope, first.id);
    expect((await getRun(scope, first.id)).state).toBe('DISCARDED');
    const promoted = await getRun(scope, second.id);
    expect(promoted.state).toBe('READY');
    expect(promoted.queueReason).toBeNull();
    expect(promoted.waitingForRunId).toBeNull();
    expect(promoted.transitions.at(-1)).toMatchObject({ state: 'READY', reason: 'Stack lock acquired', actor: { kind: 'SYSTEM' } });
    expect(await getRun(scope, third.id)).toMatchObject({
      queueReason: `Waiting for run ${second.id.slice(-8)} to finish: a stack runs one tracked run at a time`,
      waitingForRunId: second.id,
    });

    // Canceling the holder before it starts hands the lock on too.
    await discardRun(scope, second.id);
    expect((await getRun(scope, second.id)).state).toBe('CANCELED');
    expect((await getRun(scope, third.id)).state).toBe('READY');
    await discardRun(scope, third.id);
  });

  it('different stacks run in parallel; proposed runs ignore the lock', async () => {
    const a = await newStack('lifecycle-par-a');
    const b = await newStack('lifecycle-par-b');
    const runA = await triggerRun(scope, { stackId: a.id });
    const runB = await triggerRun(scope, { stackId: b.id });
    const proposed = await triggerRun(scope, { stackId: a.id, type: 'PROPOSED' });
    expect([runA.state, runB.state, proposed.state]).toEqual(['READY', 'READY', 'READY']);
    const done = await planThrough(proposed.id, true);
    expect(done.run.state).toBe('FINISHED');
    for (const r of [runA, runB]) await discardRun(scope, r.id);
  });

  it('confirm: exactly one of two concurrent confirms wins; the apply job is enqueued once', async () => {
    const stack = await newStack('lifecycle-confirm');
    const ref = await triggerRun(scope, { stackId: stack.id });
    await planThrough(ref.id);
    // The planned workspace is stored encrypted until the run ends.
    const archive = await t.services.prisma.workspaceArchive.findFirstOrThrow({ where: { runId: ref.id } });
    expect(Buffer.from(archive.ciphertext).includes(Buffer.from('archive bytes'))).toBe(false);
    const { loadPlanArchive } = await import('./phases.ts');
    expect((await loadPlanArchive(scope, ref.id)).archive.toString()).toBe('archive bytes');
    const results = await Promise.allSettled([confirmRun(scope, ref.id), confirmRun(scope, ref.id)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'INVALID_STATE', message: 'Run is CONFIRMED; only UNCONFIRMED runs can be confirmed' });
    expect((await outboxJobs()).filter((j) => j.runId === ref.id && j.phase === 'apply')).toHaveLength(1);
    const run = await getRun(scope, ref.id);
    expect(run.confirmedBy?.name).toBe('Lifecycle User');
    expect(run.planSummary).toEqual({ add: 1, change: 0, destroy: 0, replace: 0 });
    expect(run.resourceChanges?.[0]?.address).toBe('terraform_data.a');

    // Two workers racing for the apply: one claims it.
    const claims = await Promise.all([claimPhase(scope, ref.id, 'apply', worker), claimPhase(scope, ref.id, 'apply', { ...worker, id: 'w2' })]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const claim = claims.find(Boolean)!;
    await advance(scope, ref.id, claim.leaseToken, { type: 'START_APPLYING' }, { actorId: worker.id });
    await advance(scope, ref.id, claim.leaseToken, { type: 'APPLY_SUCCEEDED' }, { actorId: worker.id });
    const finished = await getRun(scope, ref.id);
    expect(finished.state).toBe('FINISHED');
    expect(finished.transitions.map((tr) => tr.state)).toEqual([
      'QUEUED', 'READY', 'PREPARING', 'INITIALIZING', 'PLANNING', 'UNCONFIRMED', 'CONFIRMED', 'PREPARING_APPLY', 'APPLYING', 'FINISHED',
    ]);
    await expect(confirmRun(scope, ref.id)).rejects.toMatchObject({ code: 'INVALID_STATE', message: 'Run is FINISHED; only UNCONFIRMED runs can be confirmed' });
    expect(await t.services.prisma.workspaceArchive.count({ where: { runId: ref.id } })).toBe(0);
  });

  it('a plan without its archive: fine for autodeploy (applied in place), refused when it must wait for a confirmation', async () => {
    const auto = await newStack('lifecycle-no-archive-auto', { autodeploy: true });
    const a = await triggerRun(scope, { stackId: auto.id });
    const claimedA = (await claimPhase(scope, a.id, 'plan', worker))!;
    await advance(scope, a.id, claimedA.leaseToken, { type: 'START_INITIALIZING' }, { actorId: worker.id, update: { commitMessage: 'From the checkout' } });
    await advance(scope, a.id, claimedA.leaseToken, { type: 'START_PLANNING' }, { actorId: worker.id });
    // Neither archive nor summary: the worker applies in place and describes the plan meanwhile.
    const applying = await recordPlan(scope, a.id, claimedA.leaseToken, { ...plan(true), archive: null, summary: null, resourceChanges: null }, worker.id);
    expect(applying.state).toBe('APPLYING');
    expect(applying.planFileSha256).toBe('a'.repeat(64));
    expect(applying.commitMessage).toBe('From the checkout');
    expect(await t.services.prisma.workspaceArchive.count({ where: { runId: a.id } })).toBe(0);
    expect((await getRun(scope, a.id)).planSummary).toBeNull();
    await recordPlanSummary(scope, a.id, claimedA.leaseToken, { summary: plan(true).summary, resourceChanges: plan(true).resourceChanges });
    const described = await getRun(scope, a.id);
    expect(described.planSummary).toEqual({ add: 1, change: 0, destroy: 0, replace: 0 });
    expect(described.resourceChanges?.map((c) => c.address)).toEqual(['terraform_data.a']);
    // The state and FINISHED in one transaction.
    const state = Buffer.from(JSON.stringify({ version: 4, serial: 1, lineage: 'l', resources: [] }));
    const finished = await finishApply(scope, a.id, claimedA.leaseToken, { stackId: auto.id, stateOut: state }, worker.id);
    expect(finished.state).toBe('FINISHED');
    expect((await loadCurrentState(scope, auto.id))?.bytes.equals(state)).toBe(true);
    // Once the run ended, the worker holds nothing: no more summary, no second finish.
    await expect(recordPlanSummary(scope, a.id, claimedA.leaseToken, { summary: plan(true).summary, resourceChanges: [] })).rejects.toBeInstanceOf(LeaseLostError);
    await expect(finishApply(scope, a.id, claimedA.leaseToken, { stackId: auto.id, stateOut: state }, worker.id)).rejects.toBeInstanceOf(LeaseLostError);
    expect((await loadCurrentState(scope, auto.id))?.version).toBe(1);

    const manual = await newStack('lifecycle-no-archive-manual');
    const b = await triggerRun(scope, { stackId: manual.id });
    const claimedB = (await claimPhase(scope, b.id, 'plan', worker))!;
    await advance(scope, b.id, claimedB.leaseToken, { type: 'START_INITIALIZING' }, { actorId: worker.id });
    await advance(scope, b.id, claimedB.leaseToken, { type: 'START_PLANNING' }, { actorId: worker.id });
    await expect(recordPlan(scope, b.id, claimedB.leaseToken, { ...plan(true), archive: null }, worker.id)).rejects.toBeInstanceOf(PlanDetailsRequiredError);
    await expect(recordPlan(scope, b.id, claimedB.leaseToken, { ...plan(true), summary: null, resourceChanges: null }, worker.id)).rejects.toThrow(
      /summary is required/,
    );
    const untouched = await getRun(scope, b.id);
    expect(untouched.state).toBe('PLANNING');
    expect(untouched.planSummary).toBeNull();
    // Called again with the archive, it is stored and the run waits for a confirmation.
    expect((await recordPlan(scope, b.id, claimedB.leaseToken, plan(true), worker.id)).state).toBe('UNCONFIRMED');
    expect((await loadPlanArchive(scope, b.id)).archive.toString()).toBe('archive bytes');
    // No changes, or a proposed run: no archive needed either.
    const c = await triggerRun(scope, { stackId: manual.id, type: 'PROPOSED' });
    const claimedC = (await claimPhase(scope, c.id, 'plan', worker))!;
    await advance(scope, c.id, claimedC.leaseToken, { type: 'START_INITIALIZING' }, { actorId: worker.id });
    await advance(scope, c.id, claimedC.leaseToken, { type: 'START_PLANNING' }, { actorId: worker.id });
    await expect(recordPlan(scope, c.id, claimedC.leaseToken, { ...plan(true), archive: null, summary: null, resourceChanges: null }, worker.id)).rejects.toThrow(
      /summary is required/,
    );
    expect((await recordPlan(scope, c.id, claimedC.leaseToken, { ...plan(true), archive: null }, worker.id)).state).toBe('FINISHED');
    await discardRun(scope, b.id);
  });

  it('autodeploy goes straight to APPLYING; a no-op plan finishes', async () => {
    const stack = await newStack('lifecycle-auto', { autodeploy: true });
    const a = await triggerRun(scope, { stackId: stack.id });
    expect((await planThrough(a.id, true)).run.state).toBe('APPLYING');
    const noop = await newStack('lifecycle-noop');
    const b = await triggerRun(scope, { stackId: noop.id });
    const done = await planThrough(b.id, false);
    expect(done.run.state).toBe('FINISHED');
    expect((await getRun(scope, b.id)).transitions.at(-1)?.reason).toBe('No changes');
    // The runs list tells a no-op run from one that applied changes.
    expect((await listRuns(scope, { stackId: noop.id })).items.map((r) => [r.state, r.hasChanges])).toEqual([['FINISHED', false]]);
  });

  it('stop: the worker loses its lease at the next heartbeat and cannot move the run', async () => {
    const stack = await newStack('lifecycle-stop');
    const ref = await triggerRun(scope, { stackId: stack.id });
    const claimed = (await claimPhase(scope, ref.id, 'plan', worker))!;
    await advance(scope, ref.id, claimed.leaseToken, { type: 'START_INITIALIZING' }, { actorId: worker.id });
    expect(await heartbeat(scope, ref.id, claimed.leaseToken, 60_000)).toEqual({ held: true });
    await stopRun(scope, ref.id);
    expect(await heartbeat(scope, ref.id, claimed.leaseToken, 60_000)).toEqual({ held: false, state: 'STOPPED' });
    await expect(advance(scope, ref.id, claimed.leaseToken, { type: 'START_PLANNING' }, { actorId: worker.id })).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
    const run = await getRun(scope, ref.id);
    expect(run.state).toBe('STOPPED');
    expect(run.actions.retry).toBe(true);
    const retried = await retryRun(scope, ref.id);
    expect(retried.state).toBe('READY');
    expect((await getRun(scope, retried.id)).triggerReason).toBe('RETRY');
    await discardRun(scope, retried.id);
  });

  it('reaper: a lost plan is handed on, then fails; a lost apply fails and locks the stack', async () => {
    const stack = await newStack('lifecycle-reap');
    const ref = await triggerRun(scope, { stackId: stack.id });
    const short: WorkerIdentity = { id: 'dying-worker', leaseMs: 1 };
    await claimPhase(scope, ref.id, 'plan', short);
    await new Promise((r) => setTimeout(r, 10));
    const [requeued] = await reapExpiredLeases(t.services);
    expect(requeued).toMatchObject({ runId: ref.id, from: 'PREPARING', to: 'READY' });
    expect(requeued!.reason).toMatch(/^Worker dying-worker lost during preparing .*attempt 2 of 2/);
    expect((await outboxJobs()).filter((j) => j.runId === ref.id && j.phase === 'plan')).toHaveLength(2);

    await claimPhase(scope, ref.id, 'plan', short);
    await new Promise((r) => setTimeout(r, 10));
    const [failed] = await reapExpiredLeases(t.services);
    expect(failed).toMatchObject({ runId: ref.id, to: 'FAILED' });
    expect((await getRun(scope, ref.id)).error).toMatch(/giving up after 2 attempts/);

    // Apply lost.
    const next = await triggerRun(scope, { stackId: stack.id });
    const queuedBehind = await triggerRun(scope, { stackId: stack.id });
    await planThrough(next.id);
    await confirmRun(scope, next.id);
    const applyClaim = (await claimPhase(scope, next.id, 'apply', short))!;
    await advance(scope, next.id, applyClaim.leaseToken, { type: 'START_APPLYING' }, { actorId: short.id });
    await new Promise((r) => setTimeout(r, 10));
    const [lostApply] = await reapExpiredLeases(t.services);
    expect(lostApply).toMatchObject({ runId: next.id, from: 'APPLYING', to: 'FAILED' });
    const run = await getRun(scope, next.id);
    // Said once: what happened, then what to do.
    expect(run.error).toMatch(/^Worker lost during apply: worker dying-worker stopped responding \(no heartbeat since .*\)/);
    expect(run.error).toMatch(/check the infrastructure against the stack's state, then unlock the stack\.$/);
    expect(run.error!.match(/lost during apply/gi)).toHaveLength(1);
    expect(run.transitions.at(-1)?.reason).toBe(run.error);
    const locked = await t.services.prisma.stack.findUniqueOrThrow({ where: { id: stack.id } });
    expect(locked).toMatchObject({ lockedReason: `the apply of run ${next.id.slice(-8)} was interrupted (worker lost during apply)`, lockedByRunId: next.id });
    expect((await outboxJobs()).filter((j) => j.runId === next.id && j.phase === 'apply')).toHaveLength(1);
    const behind = await getRun(scope, queuedBehind.id);
    expect(behind.state).toBe('QUEUED');
    expect(behind.queueReason).toBe(`Stack is locked: the apply of run ${next.id.slice(-8)} was interrupted (worker lost during apply)`);
    expect(behind.waitingForRunId).toBe(next.id);
    expect(await reapExpiredLeases(t.services)).toEqual([]);

    const { unlockStack } = await import('../stacks/stacks.ts');
    await unlockStack(scope, stack.id);
    expect((await getRun(scope, queuedBehind.id)).state).toBe('READY');
  });

  it('lists a stack’s runs newest first with paging', async () => {
    const stack = await newStack('lifecycle-list');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await triggerRun(scope, { stackId: stack.id });
      ids.push(r.id);
    }
    const page1 = await listRuns(scope, { stackId: stack.id, limit: 2 });
    expect(page1.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const page2 = await listRuns(scope, { stackId: stack.id, limit: 2, cursor: page1.nextCursor });
    expect(page2.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeNull();
  });

  it('an unreachable repository still queues the run, without a commit', async () => {
    const stack = await createStack(scope, { name: 'lifecycle-unreachable', repositoryUrl: '/nonexistent/repo', branch: 'main' });
    const ref = await triggerRun(scope, { stackId: stack.id });
    expect(ref.state).toBe('READY');
    await scope.services.commitPins.settle();
    expect((await getRun(scope, ref.id)).commitSha).toBeNull();
  });

  it('the trigger does not wait for the branch lookup, and a commit recorded meanwhile (by a worker) is kept', async () => {
    const stack = await newStack('lifecycle-pin-race');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    // A slow repository: the lookup waits on the gate.
    const slowScope: AccountScope = {
      ...scope,
      services: { ...scope.services, resolveCommit: async () => (asked++, await gate, { sha: 'f'.repeat(40), message: null }) },
    };
    const ref = await triggerRun(slowScope, { stackId: stack.id });
    expect((await getRun(scope, ref.id)).commitSha).toBeNull();
    for (let i = 0; asked === 0 && i < 200; i++) await new Promise((r) => setTimeout(r, 10));
    expect(asked).toBe(1); // the trigger returned while the lookup waits
    await t.services.prisma.run.update({ where: { id: ref.id }, data: { commitSha: 'a'.repeat(40) } });
    release();
    await scope.services.commitPins.settle();
    expect((await getRun(scope, ref.id)).commitSha).toBe('a'.repeat(40));
  });

  describe('with a pin delay for READY runs', () => {
    /** A scope whose READY runs wait `delayMs` for a worker before the trigger's process pins them; counts branch lookups. */
    function delayedScope(delayMs: number) {
      const lookups: string[] = [];
      const delayed: AccountScope = {
        ...scope,
        services: {
          ...scope.services,
          commitPinDelayMs: delayMs,
          resolveCommit: async (input) => (lookups.push(input.branch), scope.services.resolveCommit(input)),
        },
      };
      return { delayed, lookups };
    }

    it('a READY run claimed by a worker within the delay is left to the worker: no second lookup', async () => {
      const { delayed, lookups } = delayedScope(300);
      const stack = await newStack('lifecycle-pin-claimed');
      const ref = await triggerRun(delayed, { stackId: stack.id });
      expect(ref.state).toBe('READY');
      expect(await claimPhase(scope, ref.id, 'plan', worker)).not.toBeNull();
      await scope.services.commitPins.settle();
      expect(lookups).toEqual([]);
      expect((await getRun(scope, ref.id)).commitSha).toBeNull(); // the worker records what it checks out
    });

    it('a READY run no worker claimed within the delay is pinned after it', async () => {
      const { delayed, lookups } = delayedScope(150);
      const stack = await newStack('lifecycle-pin-late');
      const started = Date.now();
      const ref = await triggerRun(delayed, { stackId: stack.id });
      await new Promise((r) => setTimeout(r, 50));
      expect(lookups).toEqual([]); // still waiting for a worker
      await scope.services.commitPins.settle();
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(lookups).toEqual(['main']);
      expect((await getRun(scope, ref.id)).commitSha).toBe(repo.sha);
    });

    it('a QUEUED run (stack busy) is pinned at once: it shows the head it was triggered at while it waits', async () => {
      const { delayed, lookups } = delayedScope(60_000);
      const stack = await newStack('lifecycle-pin-queued');
      await triggerRun(scope, { stackId: stack.id });
      await scope.services.commitPins.settle();
      const queued = await triggerRun(delayed, { stackId: stack.id });
      expect(queued.state).toBe('QUEUED');
      for (let i = 0; lookups.length === 0 && i < 200; i++) await new Promise((r) => setTimeout(r, 10));
      await scope.services.commitPins.cancel(); // drops nothing here: the QUEUED pin is already looking up
      expect(lookups).toEqual(['main']);
      expect((await getRun(scope, queued.id)).commitSha).toBe(repo.sha);
    });

    it('closing drops the pins still waiting for their delay, at once', async () => {
      const { delayed, lookups } = delayedScope(60_000);
      const stack = await newStack('lifecycle-pin-cancel');
      const ref = await triggerRun(delayed, { stackId: stack.id });
      const started = Date.now();
      await scope.services.commitPins.cancel();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(lookups).toEqual([]);
      expect((await getRun(scope, ref.id)).commitSha).toBeNull();
    });

    it('closing one set of services leaves the pins of another alone', async () => {
      const { delayed, lookups } = delayedScope(100);
      const other: AccountScope = { ...delayed, services: { ...delayed.services, commitPins: new CommitPins() } };
      const stack = await newStack('lifecycle-pin-other-services');
      const ref = await triggerRun(other, { stackId: stack.id });
      await scope.services.commitPins.cancel();
      await other.services.commitPins.settle();
      expect(lookups).toEqual(['main']);
      expect((await getRun(scope, ref.id)).commitSha).toBe(repo.sha);
    });
  });
});
