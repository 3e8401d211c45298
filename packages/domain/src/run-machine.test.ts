import { describe, expect, it } from 'vitest';
import { RUN_EVENT_TYPES, transition, type RunEvent } from './run-machine.ts';
import { RUN_STATES, RUN_TYPES, holdsStackLock, isTerminal, type RunState, type RunType } from './run-state.ts';

// Every event variant the machine can receive (PLAN_SUCCEEDED in all its shapes).
const EVENTS: Record<string, RunEvent> = {
  PROMOTE: { type: 'PROMOTE' },
  REQUIRE_REVIEW: { type: 'REQUIRE_REVIEW' },
  APPROVE: { type: 'APPROVE' },
  REJECT: { type: 'REJECT' },
  START_PREPARING: { type: 'START_PREPARING' },
  START_INITIALIZING: { type: 'START_INITIALIZING' },
  START_PLANNING: { type: 'START_PLANNING' },
  START_PERFORMING: { type: 'START_PERFORMING' },
  'PLAN_SUCCEEDED changes': { type: 'PLAN_SUCCEEDED', hasChanges: true, autodeploy: false },
  'PLAN_SUCCEEDED changes autodeploy': { type: 'PLAN_SUCCEEDED', hasChanges: true, autodeploy: true },
  'PLAN_SUCCEEDED no-op': { type: 'PLAN_SUCCEEDED', hasChanges: false, autodeploy: false },
  'PLAN_SUCCEEDED no-op autodeploy': { type: 'PLAN_SUCCEEDED', hasChanges: false, autodeploy: true },
  CONFIRM: { type: 'CONFIRM' },
  DISCARD: { type: 'DISCARD' },
  CANCEL: { type: 'CANCEL' },
  START_PREPARING_APPLY: { type: 'START_PREPARING_APPLY' },
  START_APPLYING: { type: 'START_APPLYING' },
  APPLY_SUCCEEDED: { type: 'APPLY_SUCCEEDED' },
  TASK_SUCCEEDED: { type: 'TASK_SUCCEEDED' },
  STOP: { type: 'STOP' },
  FAIL: { type: 'FAIL' },
  REQUEUE: { type: 'REQUEUE' },
  SKIP: { type: 'SKIP' },
};

type Table = Partial<Record<string, Partial<Record<RunState, RunState>>>>;

// Shared by all run types.
const COMMON: Table = {
  PROMOTE: { QUEUED: 'READY' },
  REQUIRE_REVIEW: { QUEUED: 'PENDING_REVIEW' },
  APPROVE: { PENDING_REVIEW: 'QUEUED' },
  REJECT: { PENDING_REVIEW: 'CANCELED' },
  START_PREPARING: { READY: 'PREPARING' },
  CONFIRM: { UNCONFIRMED: 'CONFIRMED' },
  DISCARD: { UNCONFIRMED: 'DISCARDED' },
  CANCEL: { QUEUED: 'CANCELED', READY: 'CANCELED', PENDING_REVIEW: 'CANCELED' },
  START_PREPARING_APPLY: { CONFIRMED: 'PREPARING_APPLY' },
  START_APPLYING: { PREPARING_APPLY: 'APPLYING' },
  APPLY_SUCCEEDED: { APPLYING: 'FINISHED' },
  TASK_SUCCEEDED: { PERFORMING: 'FINISHED' },
  STOP: { PREPARING: 'STOPPED', INITIALIZING: 'STOPPED', PLANNING: 'STOPPED', PERFORMING: 'STOPPED' },
  FAIL: {
    READY: 'FAILED',
    PREPARING: 'FAILED',
    INITIALIZING: 'FAILED',
    PLANNING: 'FAILED',
    CONFIRMED: 'FAILED',
    PREPARING_APPLY: 'FAILED',
    APPLYING: 'FAILED',
    PERFORMING: 'FAILED',
  },
  REQUEUE: { PREPARING: 'READY', INITIALIZING: 'READY', PLANNING: 'READY', PREPARING_APPLY: 'CONFIRMED' },
  SKIP: { QUEUED: 'SKIPPED' },
};

const EXPECTED: Record<RunType, Table> = {
  TRACKED: {
    ...COMMON,
    START_INITIALIZING: { PREPARING: 'INITIALIZING' },
    START_PLANNING: { INITIALIZING: 'PLANNING' },
    'PLAN_SUCCEEDED changes': { PLANNING: 'UNCONFIRMED' },
    'PLAN_SUCCEEDED changes autodeploy': { PLANNING: 'APPLYING' },
    'PLAN_SUCCEEDED no-op': { PLANNING: 'FINISHED' },
    'PLAN_SUCCEEDED no-op autodeploy': { PLANNING: 'FINISHED' },
  },
  PROPOSED: {
    ...COMMON,
    START_INITIALIZING: { PREPARING: 'INITIALIZING' },
    START_PLANNING: { INITIALIZING: 'PLANNING' },
    // Proposed runs never wait for confirmation nor apply.
    'PLAN_SUCCEEDED changes': { PLANNING: 'FINISHED' },
    'PLAN_SUCCEEDED changes autodeploy': { PLANNING: 'FINISHED' },
    'PLAN_SUCCEEDED no-op': { PLANNING: 'FINISHED' },
    'PLAN_SUCCEEDED no-op autodeploy': { PLANNING: 'FINISHED' },
  },
  TASK: {
    ...COMMON,
    // A task runs one command: no init/plan/confirm.
    START_PERFORMING: { PREPARING: 'PERFORMING' },
  },
};

describe('run state machine: every (type, state, event)', () => {
  it('covers every event type', () => {
    const covered = new Set(Object.values(EVENTS).map((e) => e.type));
    expect([...covered].sort()).toEqual([...RUN_EVENT_TYPES].sort());
  });

  for (const type of RUN_TYPES) {
    for (const state of RUN_STATES) {
      for (const [name, event] of Object.entries(EVENTS)) {
        const expected = EXPECTED[type][name]?.[state];
        it(`${type} ${state} + ${name} → ${expected ?? 'rejected'}`, () => {
          const result = transition({ type, state }, event);
          if (expected) {
            expect(result).toEqual({ ok: true, from: state, to: expected, event: event.type });
          } else {
            expect(result.ok).toBe(false);
            if (!result.ok) expect(result.message).toMatch(new RegExp(`^Run is ${state}; `));
          }
        });
      }
    }
  }
});

describe('rules around the machine', () => {
  it('terminal states accept nothing', () => {
    for (const type of RUN_TYPES)
      for (const state of RUN_STATES.filter(isTerminal))
        for (const event of Object.values(EVENTS)) expect(transition({ type, state }, event).ok).toBe(false);
  });

  it('the terminal states are exactly the ends', () => {
    expect(RUN_STATES.filter(isTerminal).sort()).toEqual(
      ['CANCELED', 'DISCARDED', 'FAILED', 'FINISHED', 'SKIPPED', 'STOPPED'].sort(),
    );
  });

  it('explains a rejected confirm in words a user understands', () => {
    const result = transition({ type: 'TRACKED', state: 'FINISHED' }, { type: 'CONFIRM' });
    expect(result).toMatchObject({ ok: false, message: 'Run is FINISHED; only UNCONFIRMED runs can be confirmed' });
  });

  it('lists every accepting state in a rejected stop', () => {
    const result = transition({ type: 'TRACKED', state: 'APPLYING' }, { type: 'STOP' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.allowedFrom).toEqual(['PREPARING', 'INITIALIZING', 'PLANNING', 'PERFORMING']);
  });

  it('stack lock: tracked runs and tasks hold it from READY until they end, proposed runs never', () => {
    const holding = RUN_STATES.filter((state) => holdsStackLock({ type: 'TRACKED', state }));
    expect(holding).toEqual([
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
    expect(RUN_STATES.filter((state) => holdsStackLock({ type: 'TASK', state }))).toEqual(holding);
    expect(RUN_STATES.filter((state) => holdsStackLock({ type: 'PROPOSED', state }))).toEqual([]);
  });
});
