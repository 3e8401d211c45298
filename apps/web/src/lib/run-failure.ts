import { isLogPhase } from '@gantry/ui';

interface Transition {
  state: string;
  reason: string | null;
}

/** The phase a failed run was in when it failed (PLANNING, APPLYING…), when it has a log. */
export function failedPhase(transitions: readonly Transition[]): string | null {
  const failedAt = transitions.findLastIndex((t) => t.state === 'FAILED');
  for (let i = failedAt - 1; i >= 0; i--) {
    const state = transitions[i]!.state;
    if (isLogPhase(state)) return state;
  }
  return null;
}

/**
 * The timeline without the failure's message on its FAILED entry: the run page shows the error once,
 * above the log, with what to do next.
 */
export function withoutRepeatedError<T extends Transition>(transitions: readonly T[], error: string | null): T[] {
  if (!error) return [...transitions];
  const trimmed = error.trim();
  return transitions.map((t) => (t.state === 'FAILED' && t.reason?.trim() === trimmed ? { ...t, reason: null } : t));
}

/** "PLANNING" → "planning" for sentences. */
export function phaseName(state: string): string {
  return state.replace(/_/g, ' ').toLowerCase();
}
