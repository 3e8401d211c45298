import { RUN_STATES, type RunState } from '@gantry/domain';
import { availableRunActions } from '@gantry/ui';

const STATES: ReadonlySet<string> = new Set(RUN_STATES);

export function isRunState(value: string): value is RunState {
  return STATES.has(value);
}

interface OptimisticRun {
  state: RunState;
  transitions: { state: RunState; at: Date; actor: { kind: 'USER' | 'WORKER' | 'SYSTEM'; name: string | null }; reason: string | null }[];
  actions: { confirm: boolean; discard: boolean; stop: boolean; retry: boolean };
}

/**
 * The run as it will look once the server has recorded `state`: shown at once (from an SSE state
 * event or an action's answer) until the refetch brings the authoritative version. Actions are
 * recomputed for the new state so no button of the old state stays offered.
 */
export function withState<T extends OptimisticRun>(run: T, state: RunState, change?: { at?: Date | null; reason?: string | null }): T {
  if (run.state === state) return run;
  const offered = new Set(availableRunActions(state));
  return {
    ...run,
    state,
    transitions: change
      ? [...run.transitions, { state, at: change.at ?? new Date(), actor: { kind: 'SYSTEM' as const, name: null }, reason: change.reason ?? null }]
      : run.transitions,
    actions: { confirm: offered.has('confirm'), discard: offered.has('discard'), stop: offered.has('stop'), retry: offered.has('retry') },
  };
}
