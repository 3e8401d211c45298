import type { Run, TenantTx } from '@gantry/db';
import { DomainError, isTerminal, takesStackLock, type RunState, type RunType, type TriggerReason } from '@gantry/domain';
import { z } from 'zod';
import { audit } from '../audit.ts';
import { assertCanWrite } from '../authz.ts';
import type { AccountScope, ResolvedCommitInfo } from '../context.ts';
import { idInput, parseInput } from '../validation.ts';
import { AfterCommit } from './effects.ts';
import { pinCommitInBackground } from './pin-commit.ts';
import { applyRunEvent, applyRunEventInTx, lockStackOnce, promoteQueuedRuns, STACK_QUEUE } from './transition.ts';

export const triggerRunInput = z.object({
  stackId: idInput,
  /** Tasks are not runnable yet, so they cannot be triggered. */
  type: z.enum(['TRACKED', 'PROPOSED']).optional(),
});

export interface RunRef {
  id: string;
  state: RunState;
}

const ref = (run: Run): RunRef => ({ id: run.id, state: run.state });

interface CreateRunOptions {
  stackId: string;
  type: RunType;
  triggerReason: TriggerReason;
  commit: ResolvedCommitInfo | null;
  retryOfId?: string;
}

async function createRunInTx(scope: AccountScope, tx: TenantTx, options: CreateRunOptions, effects: AfterCommit): Promise<RunRef> {
  const now = scope.services.now();
  if (!(await lockStackOnce(tx, options.stackId))) throw DomainError.notFound('Stack', options.stackId);
  const user = scope.actor.kind === 'USER' ? scope.actor : null;
  const takesLock = takesStackLock(options.type);
  // The run, its first timeline row and the audit entry, and the stack's queue before it: one statement.
  const { run, queue } = await tx.createRun({
    run: {
      stackId: options.stackId,
      type: options.type,
      state: 'QUEUED',
      commitSha: options.commit?.sha ?? null,
      commitMessage: options.commit?.message ?? null,
      triggeredById: user?.id ?? null,
      triggeredByName: user?.name ?? null,
      triggerReason: options.triggerReason,
      retryOfId: options.retryOfId ?? null,
      createdAt: now,
    },
    history: {
      fromState: null,
      event: 'TRIGGER',
      actorKind: scope.actor.kind,
      actorId: scope.actor.id ?? null,
      actorName: scope.actor.name ?? null,
      reason: options.triggerReason === 'RETRY' ? `Retry of run ${options.retryOfId}` : null,
      at: now,
    },
    audit: { actorKind: scope.actor.kind, actorId: scope.actor.id ?? null, action: 'run.trigger', data: { stackId: options.stackId, type: options.type } },
    queueOf: takesLock ? STACK_QUEUE : null,
  });
  effects.stateChanged({ runId: run.id, accountId: tx.accountId, stackId: run.stackId, state: 'QUEUED', at: now, reason: null });
  if (!takesLock) {
    const promoted = await applyRunEventInTx(
      tx,
      run.id,
      { type: 'PROMOTE' },
      { actor: scope.actor, reason: 'Proposed runs do not wait for the stack lock', stackId: options.stackId, locked: run },
      now,
      effects,
    );
    return ref(promoted);
  }
  // The queue as it is now: the new run is the newest queued run.
  const withNewRun = queue ? { ...queue, nextQueuedId: queue.nextQueuedId ?? run.id, queued: queue.queued + 1 } : null;
  const promotions = await promoteQueuedRuns(tx, options.stackId, now, { created: run, queue: withNewRun });
  effects.merge(promotions);
  // The new run got the stack lock, or waits in QUEUED (with the reason written by promoteQueuedRuns).
  const promoted = promotions.stateChanges.some((change) => change.runId === run.id && change.state === 'READY');
  return { id: run.id, state: promoted ? 'READY' : 'QUEUED' };
}

/**
 * Queues a run of the stack at the head of its branch. Nothing slow happens in the request (no git):
 * once the run is committed, this process looks up the branch head in the background and pins the
 * run to it (pin-commit.ts), so a run that waits behind another runs the commit it was triggered at.
 * Whatever that lookup does not settle in time, the worker that starts the run resolves
 * (`services.resolveCommit`) and records before any OpenTofu process runs; a phase handed to another
 * worker reuses the recorded SHA. If the repository cannot be reached the run fails at PREPARING
 * with git's own message in its log.
 */
export async function triggerRun(scope: AccountScope, rawInput: z.input<typeof triggerRunInput>): Promise<RunRef> {
  assertCanWrite(scope);
  const input = parseInput(triggerRunInput, rawInput);
  const effects = new AfterCommit();
  // One transaction; a missing stack (or another account's) is NOT_FOUND when its row is locked.
  const run = await scope.db.transaction((tx) =>
    createRunInTx(scope, tx, { stackId: input.stackId, type: input.type ?? 'TRACKED', triggerReason: 'MANUAL', commit: null }, effects),
  );
  effects.publish(scope);
  pinCommitInBackground(scope, run);
  return run;
}

export async function confirmRun(scope: AccountScope, runId: string): Promise<RunRef> {
  assertCanWrite(scope);
  const user = scope.actor.kind === 'USER' ? scope.actor : null;
  const run = await applyRunEvent(scope, runId, { type: 'CONFIRM' }, {
    actor: scope.actor,
    reason: null,
    // The apply phase counts its own worker attempts.
    update: { confirmedById: user?.id ?? null, confirmedByName: user?.name ?? null, confirmedAt: scope.services.now(), phaseAttempts: 0 },
  });
  await audit(scope.db, scope.actor, 'run.confirm', { type: 'Run', id: runId });
  return ref(run);
}

/** Discards a plan waiting for confirmation, or withdraws a run that has not started yet. */
export async function discardRun(scope: AccountScope, runId: string): Promise<RunRef> {
  assertCanWrite(scope);
  const current = await scope.db.run.findUnique({ where: { id: runId }, select: { state: true } });
  if (!current) throw DomainError.notFound('Run', runId);
  const discardable: RunState[] = ['UNCONFIRMED', 'QUEUED', 'READY', 'PENDING_REVIEW'];
  if (!discardable.includes(current.state))
    throw new DomainError('INVALID_STATE', `Run is ${current.state}; only UNCONFIRMED, QUEUED or READY runs can be discarded`, {
      from: current.state,
      allowedFrom: discardable,
    });
  const event = current.state === 'UNCONFIRMED' ? ({ type: 'DISCARD' } as const) : ({ type: 'CANCEL' } as const);
  const run = await applyRunEvent(scope, runId, event, { actor: scope.actor, reason: event.type === 'DISCARD' ? 'Plan discarded' : 'Canceled before it started' });
  await audit(scope.db, scope.actor, event.type === 'DISCARD' ? 'run.discard' : 'run.cancel', { type: 'Run', id: runId });
  return ref(run);
}

/**
 * Stops a run while it prepares, initializes or plans (nothing outside its workspace has changed).
 * The state changes now; the worker notices at its next heartbeat and kills the process.
 */
export async function stopRun(scope: AccountScope, runId: string): Promise<RunRef> {
  assertCanWrite(scope);
  const name = scope.actor.name ? ` by ${scope.actor.name}` : '';
  const run = await applyRunEvent(scope, runId, { type: 'STOP' }, { actor: scope.actor, reason: `Stopped${name}`, update: { error: `Stopped${name}` } });
  await audit(scope.db, scope.actor, 'run.stop', { type: 'Run', id: runId });
  return ref(run);
}

/** A new run of the same stack and commit as a run that ended. */
export async function retryRun(scope: AccountScope, runId: string): Promise<RunRef> {
  assertCanWrite(scope);
  const previous = await scope.db.run.findUnique({ where: { id: runId } });
  if (!previous) throw DomainError.notFound('Run', runId);
  if (!isTerminal(previous.state))
    throw new DomainError('INVALID_STATE', `Run is ${previous.state}; only runs that ended can be retried`, { from: previous.state });
  const commit = previous.commitSha ? { sha: previous.commitSha, message: previous.commitMessage ?? '' } : null;
  const effects = new AfterCommit();
  const run = await scope.db.transaction((tx) =>
    createRunInTx(scope, tx, { stackId: previous.stackId, type: previous.type, triggerReason: 'RETRY', commit, retryOfId: previous.id }, effects),
  );
  effects.publish(scope);
  return run;
}
