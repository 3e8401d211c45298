import type { LockedRun, LogChunkRow, Run, RunColumns, StackQueue, StackStateRow, TenantTx } from '@gantry/db';
import {
  DomainError,
  LOCK_HOLDING_STATES,
  holdsStackLock,
  isTerminal,
  transition,
  type RunEvent,
  type RunState,
} from '@gantry/domain';
import { outboxJob, type RunPhaseName } from '@gantry/queue';
import { SYSTEM_ACTOR, type AccountScope, type Actor } from '../context.ts';
import { AfterCommit } from './effects.ts';
import { shortId } from '../short-id.ts';

export interface RunEventOptions {
  actor: Actor;
  /** Why, in words for the timeline ("Worker lost during apply", "Confirmed by Ada"). */
  reason?: string | null;
  /**
   * For worker transitions: the lease token the worker got when it claimed the phase. The event is
   * refused if another worker (or the reaper) has taken the run since.
   */
  leaseToken?: string;
  /** Columns written together with the new state (plan results, error, lease, …). */
  update?: RunColumns;
  /** The run's stack when the caller knows it already (a wrong one is NOT_FOUND). */
  stackId?: string;
  /**
   * The run as the caller locked it in this transaction (lockRunInTx), or created it: saves locking
   * it again.
   */
  locked?: Run;
  /** A state version stored in the same statement as the transition (the end of an apply). */
  stackState?: StackStateRow | null;
  /** The phase's last log chunks, stored in the same statement as the transition that ends it. */
  logChunks?: readonly LogChunkRow[] | null;
}

/** The worker no longer holds the run: it was reaped, stopped or handed to another worker. */
export class LeaseLostError extends DomainError {
  constructor(runId: string, state: RunState) {
    super('PRECONDITION_FAILED', `This worker no longer holds run ${runId} (run is ${state})`, { leaseLost: true, state });
  }
}

/** Stack rows each open transaction has locked already (a second lock of the same row is a no-op). */
const lockedStacks = new WeakMap<TenantTx, Set<string>>();

function markStackLocked(tx: TenantTx, stackId: string): void {
  let locked = lockedStacks.get(tx);
  if (!locked) lockedStacks.set(tx, (locked = new Set()));
  locked.add(stackId);
}

/** `tx.lockStack`, without a second round trip for a row this transaction holds already. */
export async function lockStackOnce(tx: TenantTx, stackId: string): Promise<boolean> {
  if (lockedStacks.get(tx)?.has(stackId)) return true;
  if (!(await tx.lockStack(stackId))) return false;
  markStackLocked(tx, stackId);
  return true;
}

/**
 * Locks the run's stack, then the run (one statement), for the rest of the transaction, and returns
 * both as they are now. NOT_FOUND when the account has no such run (on that stack, given one).
 */
export async function lockRunInTx(tx: TenantTx, runId: string, stackId?: string): Promise<LockedRun> {
  const locked = await tx.lockRunAndStack(runId, stackId);
  // A run never moves to another stack: a wrong hint means the caller confused two runs.
  if (!locked) throw DomainError.notFound('Run', runId);
  markStackLocked(tx, locked.stack.id);
  return locked;
}

/** States in which nobody executes the run, so no lease may remain. */
const UNLEASED_STATES = new Set<RunState>(['QUEUED', 'READY', 'UNCONFIRMED', 'CONFIRMED', 'PENDING_REVIEW']);

const LEASE_CLEARED = { leaseOwner: null, leaseToken: null, leaseExpiresAt: null, heartbeatAt: null } as const;

function phaseJobFor(run: Run, to: RunState): RunPhaseName | null {
  if (to === 'READY') return run.type === 'TASK' ? 'perform' : 'plan';
  if (to === 'CONFIRMED') return 'apply';
  return null;
}

/**
 * THE way a run changes state. In the caller's transaction: locks the stack row then the run row
 * (always in this order, so concurrent transitions cannot deadlock; one statement), checks the
 * lease, asks the domain machine, and writes the run, its history row and the outbox row for the
 * job the new state needs in one statement; then hands the stack lock on when the run released it.
 */
export async function applyRunEventInTx(
  tx: TenantTx,
  runId: string,
  event: RunEvent,
  options: RunEventOptions,
  now: Date,
  effects: AfterCommit,
): Promise<Run> {
  if (options.locked && options.locked.id !== runId) throw new Error(`applyRunEventInTx: the locked run is ${options.locked.id}, not ${runId}`);
  const run = options.locked ?? (await lockRunInTx(tx, runId, options.stackId)).run;

  if (options.leaseToken !== undefined && run.leaseToken !== options.leaseToken) throw new LeaseLostError(runId, run.state);

  const result = transition({ state: run.state, type: run.type }, event);
  if (!result.ok) throw DomainError.invalidState(result);
  const to = result.to;

  const set: RunColumns = { ...options.update, state: to };
  if (UNLEASED_STATES.has(to) || isTerminal(to)) Object.assign(set, LEASE_CLEARED);
  if (to === 'READY') set.queueReason = null;
  if (to === 'PREPARING' && !run.startedAt) set.startedAt = now;
  if (isTerminal(to)) set.finishedAt = now;

  const reason = options.reason ?? null;
  const phase = phaseJobFor(run, to);
  // A run leaving the stack lock hands it on: the queue is read in the same statement.
  const releases = holdsStackLock(run) && !holdsStackLock({ type: run.type, state: to });
  const { run: updated, queue } = await tx.writeRunTransition({
    runId,
    set,
    updatedAt: now,
    history: {
      fromState: run.state,
      toState: to,
      event: event.type,
      actorKind: options.actor.kind,
      actorId: options.actor.id ?? null,
      actorName: options.actor.name ?? null,
      reason,
      at: now,
    },
    outbox: phase ? outboxJob('runPhase', { accountId: tx.accountId, runId, phase }) : null,
    // The planned workspace holds unmasked values: keep it only while the plan may still be applied.
    deleteArchive: isTerminal(to),
    stackState: options.stackState ?? null,
    logChunks: options.logChunks ?? null,
    queueOf: releases ? STACK_QUEUE : null,
  });
  effects.stateChanged({ runId, accountId: tx.accountId, stackId: run.stackId, state: to, at: now, reason });

  if (releases) effects.merge(await promoteQueuedRuns(tx, run.stackId, now, { queue }));
  return updated;
}

/** applyRunEventInTx in its own transaction, announcing the change after commit. */
export async function applyRunEvent(scope: AccountScope, runId: string, event: RunEvent, options: RunEventOptions): Promise<Run> {
  const effects = new AfterCommit();
  const run = await scope.db.transaction((tx) => applyRunEventInTx(tx, runId, event, options, scope.services.now(), effects));
  effects.publish(scope);
  return run;
}

const LOCK_TAKING_TYPES = ['TRACKED', 'TASK'] as const;
/** What decides who holds a stack's lock (the db's StackQueue filter). */
export const STACK_QUEUE = { lockTakingTypes: LOCK_TAKING_TYPES, holdingStates: LOCK_HOLDING_STATES } as const;

/**
 * The stack lock: one tracked run or task per stack at a time. Call with the stack row locked
 * (every caller locks it first). If no run holds the lock and the stack is not locked for a human,
 * the oldest queued run gets it (QUEUED → READY, which enqueues its job); the others are told why
 * they wait.
 */
export async function promoteQueuedRuns(
  tx: TenantTx,
  stackId: string,
  now: Date,
  options: {
    /** A run created in this transaction (not locked by anyone else). */
    created?: Run;
    /** The queue, when the caller read it with the stack locked, in a later statement than the lock. */
    queue?: StackQueue | null;
  } = {},
): Promise<AfterCommit> {
  const effects = new AfterCommit();
  await lockStackOnce(tx, stackId);
  // After the lock, in a statement of its own: it must see what the previous holder committed.
  const queue = options.queue ?? (await tx.stackQueue(stackId, STACK_QUEUE));
  if (!queue) return effects;

  let holder = queue.holderId;
  let waiting = queue.queued;
  if (!holder && !queue.lockedReason && queue.nextQueuedId) {
    const next = queue.nextQueuedId;
    // A run created in this transaction is not locked by anyone else: no need to lock it again.
    const locked = options.created?.id === next ? { locked: options.created } : {};
    await applyRunEventInTx(tx, next, { type: 'PROMOTE' }, { actor: SYSTEM_ACTOR, reason: 'Stack lock acquired', stackId, ...locked }, now, effects);
    holder = next;
    waiting -= 1;
  }

  const reason = queue.lockedReason
    ? `Stack is locked: ${queue.lockedReason}`
    : holder
      ? `Waiting for run ${shortId(holder)} to finish: a stack runs one tracked run at a time`
      : null;
  if (reason && waiting > 0) {
    await tx.run.updateMany({
      where: { stackId, type: { in: [...LOCK_TAKING_TYPES] }, state: 'QUEUED', OR: [{ queueReason: null }, { queueReason: { not: reason } }] },
      data: { queueReason: reason },
    });
  }
  return effects;
}
