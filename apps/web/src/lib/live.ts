import { isTerminalState } from '@gantry/ui';

// Lists are pushed by the account event stream (AccountEvents) and also poll as a safety net:
// fast while something runs (a run can move any second) and the stream is down, slow otherwise.
export const ACTIVE_REFRESH_MS = 3_000;
export const IDLE_REFRESH_MS = 30_000;
export const STREAMING_ACTIVE_REFRESH_MS = 15_000;
export const STREAMING_IDLE_REFRESH_MS = 120_000;

export function listRefreshInterval(states: readonly (string | null | undefined)[], streamConnected = false): number {
  const active = states.some((s) => s && !isTerminalState(s));
  if (streamConnected) return active ? STREAMING_ACTIVE_REFRESH_MS : STREAMING_IDLE_REFRESH_MS;
  return active ? ACTIVE_REFRESH_MS : IDLE_REFRESH_MS;
}
