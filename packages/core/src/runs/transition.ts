import type { Prisma, Run, TenantTx } from '@gantry/db';
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
  update?: Prisma.RunUncheckedUpdateInput;
  /** The run's stack when the caller knows it already (saves reading it before locking). */
  stackId?: string;
}

/** The worker no longer holds the run: it was reaped, stopped or handed to another worker. */
export class LeaseLostError extends DomainError {
  constructor(runId: string, state: RunState) {
    super('PRECONDITION_FAILED', `This worker no longer holds run ${runId} (run is ${state})`, { leaseLost: true, state });
  }
}

/** Stack rows each open transaction has locked already (a second lock of the same row is a no-op). */
const lockedStacks = new WeakMap<TenantTx, Set<string>>();

/** `tx.lockStack`, without a second round trip for a row this transaction holds already. */
export async function lockStackOnce(tx: TenantTx, stackId: string): Promise<boolean> {
  let locked = lockedStacks.get(tx);
  if (locked?.has(stackId)) return true;
  if (!(await tx.lockStack(stackId))) return false;
  if (!locked) lockedStacks.set(tx, (locked = new Set()));
  locked.add(stackId);
  return true;
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
 * (always in this order, so concurrent transitions cannot deadlock), checks the lease, asks the
 * domain machine, writes the run, its history row and the outbox row for the job the new state
 * needs, and hands the stack lock on when the run released it.
 */
export async function applyRunEventInTx(
  tx: TenantTx,
  runId: string,
  event: RunEvent,
  options: RunEventOptions,
  now: Date,
  effects: AfterCommit,
): Promise<Run> {
  const stackId = options.stackId ?? (await tx.run.findUnique({ where: { id: runId }, select: { stackId: true } }))?.stackId;
  if (!stackId) throw DomainError.notFound('Run', runId);
  await lockStackOnce(tx, stackId);
  const locked = await tx.lockRun(runId);
  // A run never moves to another stack: a wrong hint means the caller confused two runs.
  if (!locked || locked.stackId !== stackId) throw DomainError.notFound('Run', runId);
  const run = await tx.run.findUniqueOrThrow({ where: { id: runId } });

  if (options.leaseToken !== undefined && run.leaseToken !== options.leaseToken) throw new LeaseLostError(runId, run.state);

  const result = transition({ state: run.state, type: run.type }, event);
  if (!result.ok) throw DomainError.invalidState(result);
  const to = result.to;

  const data: Prisma.RunUncheckedUpdateInput = { ...options.update, state: to };
  if (UNLEASED_STATES.has(to) || isTerminal(to)) Object.assign(data, LEASE_CLEARED);
  if (to === 'READY') data.queueReason = null;
  if (to === 'PREPARING' && !run.startedAt) data.startedAt = now;
  if (isTerminal(to)) data.finishedAt = now;
  const updated = await tx.run.update({ where: { id: runId }, data });

  const reason = options.reason ?? null;
  await tx.runTransition.create({
    data: {
      accountId: tx.accountId,
      runId,
      fromState: run.state,
      toState: to,
      event: event.type,
      actorKind: options.actor.kind,
      actorId: options.actor.id ?? null,
      actorName: options.actor.name ?? null,
      reason,
      at: now,
    },
  });

  // The planned workspace holds unmasked values: keep it only while the plan may still be applied.
  if (isTerminal(to)) await tx.workspaceArchive.deleteMany({ where: { runId } });

  const phase = phaseJobFor(updated, to);
  if (phase) {
    await tx.outbox.create({
      data: { accountId: tx.accountId, ...outboxJob('runPhase', { accountId: tx.accountId, runId, phase }) },
    });
  }
  effects.stateChanged({ runId, accountId: tx.accountId, stackId: run.stackId, state: to, at: now, reason });

  if (holdsStackLock(run) && !holdsStackLock(updated)) {
    effects.merge(await promoteQueuedRuns(tx, run.stackId, now));
  }
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

/**
 * The stack lock: one tracked run or task per stack at a time. Call with the stack row locked
 * (every caller locks it first). If no run holds the lock and the stack is not locked for a human,
 * the oldest queued run gets it (QUEUED → READY, which enqueues its job); the others are told why
 * they wait.
 */
export async function promoteQueuedRuns(tx: TenantTx, stackId: string, now: Date): Promise<AfterCommit> {
  const effects = new AfterCommit();
  await lockStackOnce(tx, stackId);
  const stack = await tx.stack.findUnique({ where: { id: stackId }, select: { lockedReason: true } });
  if (!stack) return effects;

  let holder = await tx.run.findFirst({
    where: { stackId, type: { in: [...LOCK_TAKING_TYPES] }, state: { in: [...LOCK_HOLDING_STATES] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });

  if (!holder && !stack.lockedReason) {
    const next = await tx.run.findFirst({
      where: { stackId, type: { in: [...LOCK_TAKING_TYPES] }, state: 'QUEUED' },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    if (next) {
      await applyRunEventInTx(tx, next.id, { type: 'PROMOTE' }, { actor: SYSTEM_ACTOR, reason: 'Stack lock acquired', stackId }, now, effects);
      holder = next;
    }
  }

  const reason = stack.lockedReason
    ? `Stack is locked: ${stack.lockedReason}`
    : holder
      ? `Waiting for run ${shortId(holder.id)} to finish: a stack runs one tracked run at a time`
      : null;
  if (reason) {
    await tx.run.updateMany({
      where: { stackId, type: { in: [...LOCK_TAKING_TYPES] }, state: 'QUEUED', OR: [{ queueReason: null }, { queueReason: { not: reason } }] },
      data: { queueReason: reason },
    });
  }
  return effects;
}
