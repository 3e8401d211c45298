import type { RunState, RunType } from './run-state.ts';

/**
 * Everything that can happen to a run. Events name what happened (a worker took the lease, a user
 * confirmed), the machine decides the next state.
 */
export type RunEvent =
  /** The run may start: its stack lock was acquired (or it needs none). */
  | { type: 'PROMOTE' }
  /** An approval policy asks for a human review before the run may start. */
  | { type: 'REQUIRE_REVIEW' }
  | { type: 'APPROVE' }
  | { type: 'REJECT' }
  /** A worker leased the run's first phase and is checking out the code. */
  | { type: 'START_PREPARING' }
  | { type: 'START_INITIALIZING' }
  | { type: 'START_PLANNING' }
  /** A task (not a plan) starts its command. */
  | { type: 'START_PERFORMING' }
  /** The plan succeeded. `autodeploy` is the stack's setting at that moment. */
  | { type: 'PLAN_SUCCEEDED'; hasChanges: boolean; autodeploy: boolean }
  | { type: 'CONFIRM' }
  | { type: 'DISCARD' }
  /** A run that has not started yet is withdrawn. */
  | { type: 'CANCEL' }
  /** A worker leased the apply phase and is restoring the planned workspace. */
  | { type: 'START_PREPARING_APPLY' }
  | { type: 'START_APPLYING' }
  | { type: 'APPLY_SUCCEEDED' }
  | { type: 'TASK_SUCCEEDED' }
  /** A user stops a running phase that changes nothing outside its workspace. */
  | { type: 'STOP' }
  | { type: 'FAIL' }
  /** The worker was lost while doing repeatable work: hand the phase to another worker. */
  | { type: 'REQUEUE' }
  /** Superseded before it started (e.g. a newer commit for a proposed run). */
  | { type: 'SKIP' };

export type RunEventType = RunEvent['type'];

export const RUN_EVENT_TYPES = [
  'PROMOTE',
  'REQUIRE_REVIEW',
  'APPROVE',
  'REJECT',
  'START_PREPARING',
  'START_INITIALIZING',
  'START_PLANNING',
  'START_PERFORMING',
  'PLAN_SUCCEEDED',
  'CONFIRM',
  'DISCARD',
  'CANCEL',
  'START_PREPARING_APPLY',
  'START_APPLYING',
  'APPLY_SUCCEEDED',
  'TASK_SUCCEEDED',
  'STOP',
  'FAIL',
  'REQUEUE',
  'SKIP',
] as const satisfies readonly RunEventType[];

export interface RunSnapshot {
  state: RunState;
  type: RunType;
}

export interface InvalidTransition {
  ok: false;
  from: RunState;
  event: RunEventType;
  /** States from which this event would have been accepted (for this run type). */
  allowedFrom: RunState[];
  message: string;
}

export interface ValidTransition {
  ok: true;
  from: RunState;
  to: RunState;
  event: RunEventType;
}

export type TransitionResult = ValidTransition | InvalidTransition;

type Rule = (run: RunSnapshot, event: RunEvent) => RunState | null;

const FAILABLE: readonly RunState[] = [
  'READY',
  'PREPARING',
  'INITIALIZING',
  'PLANNING',
  'CONFIRMED',
  'PREPARING_APPLY',
  'APPLYING',
  'PERFORMING',
];

/** For each event: the states it is accepted in and the next state. One place, read top to bottom. */
const RULES: Record<RunEventType, { from: readonly RunState[]; to: Rule }> = {
  PROMOTE: { from: ['QUEUED'], to: () => 'READY' },
  REQUIRE_REVIEW: { from: ['QUEUED'], to: () => 'PENDING_REVIEW' },
  APPROVE: { from: ['PENDING_REVIEW'], to: () => 'QUEUED' },
  REJECT: { from: ['PENDING_REVIEW'], to: () => 'CANCELED' },
  START_PREPARING: { from: ['READY'], to: () => 'PREPARING' },
  START_INITIALIZING: { from: ['PREPARING'], to: (run) => (run.type === 'TASK' ? null : 'INITIALIZING') },
  START_PLANNING: { from: ['INITIALIZING'], to: (run) => (run.type === 'TASK' ? null : 'PLANNING') },
  START_PERFORMING: { from: ['PREPARING'], to: (run) => (run.type === 'TASK' ? 'PERFORMING' : null) },
  PLAN_SUCCEEDED: {
    from: ['PLANNING'],
    to: (run, event) => {
      if (event.type !== 'PLAN_SUCCEEDED' || run.type === 'TASK') return null;
      // A proposed run only shows what would change; nothing to confirm, nothing to apply.
      if (run.type === 'PROPOSED' || !event.hasChanges) return 'FINISHED';
      return event.autodeploy ? 'APPLYING' : 'UNCONFIRMED';
    },
  },
  CONFIRM: { from: ['UNCONFIRMED'], to: () => 'CONFIRMED' },
  DISCARD: { from: ['UNCONFIRMED'], to: () => 'DISCARDED' },
  CANCEL: { from: ['QUEUED', 'READY', 'PENDING_REVIEW'], to: () => 'CANCELED' },
  START_PREPARING_APPLY: { from: ['CONFIRMED'], to: () => 'PREPARING_APPLY' },
  START_APPLYING: { from: ['PREPARING_APPLY'], to: () => 'APPLYING' },
  APPLY_SUCCEEDED: { from: ['APPLYING'], to: () => 'FINISHED' },
  TASK_SUCCEEDED: { from: ['PERFORMING'], to: () => 'FINISHED' },
  STOP: { from: ['PREPARING', 'INITIALIZING', 'PLANNING', 'PERFORMING'], to: () => 'STOPPED' },
  FAIL: { from: FAILABLE, to: () => 'FAILED' },
  REQUEUE: {
    from: ['PREPARING', 'INITIALIZING', 'PLANNING', 'PREPARING_APPLY'],
    // Back to the state in which the phase's job is waiting for a worker.
    to: (run) => (run.state === 'PREPARING_APPLY' ? 'CONFIRMED' : 'READY'),
  },
  SKIP: { from: ['QUEUED'], to: () => 'SKIPPED' },
};

const PAST_TENSE: Record<RunEventType, string> = {
  PROMOTE: 'promoted',
  REQUIRE_REVIEW: 'sent to review',
  APPROVE: 'approved',
  REJECT: 'rejected',
  START_PREPARING: 'started',
  START_INITIALIZING: 'initialized',
  START_PLANNING: 'planned',
  START_PERFORMING: 'performed',
  PLAN_SUCCEEDED: 'marked planned',
  CONFIRM: 'confirmed',
  DISCARD: 'discarded',
  CANCEL: 'canceled',
  START_PREPARING_APPLY: 'prepared for apply',
  START_APPLYING: 'applied',
  APPLY_SUCCEEDED: 'marked applied',
  TASK_SUCCEEDED: 'marked performed',
  STOP: 'stopped',
  FAIL: 'failed',
  REQUEUE: 'requeued',
  SKIP: 'skipped',
};

function allowedFrom(type: RunType, event: RunEvent): RunState[] {
  const rule = RULES[event.type];
  return rule.from.filter((state) => rule.to({ state, type }, event) !== null);
}

/** The pure run state machine: the next state for `event`, or why the event is not allowed now. */
export function transition(run: RunSnapshot, event: RunEvent): TransitionResult {
  const rule = RULES[event.type];
  const to = rule.from.includes(run.state) ? rule.to(run, event) : null;
  if (to !== null) return { ok: true, from: run.state, to, event: event.type };
  const allowed = allowedFrom(run.type, event);
  const only = allowed.length === 0 ? `${run.type.toLowerCase()} runs cannot be ${PAST_TENSE[event.type]}` : `only ${allowed.join(' or ')} runs can be ${PAST_TENSE[event.type]}`;
  return {
    ok: false,
    from: run.state,
    event: event.type,
    allowedFrom: allowed,
    message: `Run is ${run.state}; ${only}`,
  };
}

/** States from which `event` is accepted for runs of `type` (for enabling buttons in UIs). */
export function statesAccepting(type: RunType, event: RunEvent): RunState[] {
  return allowedFrom(type, event);
}
