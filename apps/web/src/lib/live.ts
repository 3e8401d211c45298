import { isTerminalState } from '@gantry/ui';

// Lists poll as a safety net under the account event stream: fast while something is running
// (a run can change state any second), slow when everything is at rest.
export const ACTIVE_REFRESH_MS = 3_000;
export const IDLE_REFRESH_MS = 30_000;

export function listRefreshInterval(states: readonly (string | null | undefined)[]): number {
  return states.some((s) => s && !isTerminalState(s)) ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS;
}
