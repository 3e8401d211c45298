// Run states follow Spacelift's names, which users already know.
export const RUN_STATES = [
  'QUEUED',
  'READY',
  'PREPARING',
  'INITIALIZING',
  'PLANNING',
  'UNCONFIRMED',
  'CONFIRMED',
  'PREPARING_APPLY',
  'APPLYING',
  'FINISHED',
  'FAILED',
  'DISCARDED',
  'STOPPED',
  'CANCELED',
  'SKIPPED',
  'PENDING_REVIEW',
  'PERFORMING',
] as const;
export type RunState = (typeof RUN_STATES)[number];

export const RUN_TYPES = ['TRACKED', 'PROPOSED', 'TASK'] as const;
export type RunType = (typeof RUN_TYPES)[number];

export const TRIGGER_REASONS = ['MANUAL', 'PUSH', 'PULL_REQUEST', 'DEPENDENCY', 'DRIFT', 'RETRY', 'API'] as const;
export type TriggerReason = (typeof TRIGGER_REASONS)[number];

export const TERMINAL_STATES: ReadonlySet<RunState> = new Set<RunState>([
  'FINISHED',
  'FAILED',
  'DISCARDED',
  'STOPPED',
  'CANCELED',
  'SKIPPED',
]);

export function isTerminal(state: RunState): boolean {
  return TERMINAL_STATES.has(state);
}

/**
 * States in which a tracked run or task holds its stack's lock. A run acquires the lock when it is
 * promoted QUEUED → READY and keeps it through UNCONFIRMED (a human is deciding about a plan made
 * against the current state, so nothing else may change that state meanwhile) until it ends.
 * Proposed runs never take the lock.
 */
export const LOCK_HOLDING_STATES: ReadonlySet<RunState> = new Set<RunState>([
  'READY',
  'PREPARING',
  'INITIALIZING',
  'PLANNING',
  'UNCONFIRMED',
  'CONFIRMED',
  'PREPARING_APPLY',
  'APPLYING',
  'PERFORMING',
]);

export function takesStackLock(type: RunType): boolean {
  return type === 'TRACKED' || type === 'TASK';
}

export function holdsStackLock(run: { type: RunType; state: RunState }): boolean {
  return takesStackLock(run.type) && LOCK_HOLDING_STATES.has(run.state);
}

/** States in which a worker is (or should be) executing something under a lease. */
export const WORKER_STATES: ReadonlySet<RunState> = new Set<RunState>([
  'PREPARING',
  'INITIALIZING',
  'PLANNING',
  'PREPARING_APPLY',
  'APPLYING',
  'PERFORMING',
]);

/** Worker states whose work is safe to repeat: nothing outside the workspace has been changed yet. */
export const REPEATABLE_WORKER_STATES: ReadonlySet<RunState> = new Set<RunState>([
  'PREPARING',
  'INITIALIZING',
  'PLANNING',
  'PREPARING_APPLY',
]);
