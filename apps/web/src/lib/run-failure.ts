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

/**
 * What a failure calls for, so the run page says the next step that works:
 * - `repository`: the worker could not read the repository or branch: fix the stack's source, then retry.
 * - `variable`: OpenTofu misses an input variable: add it to the stack's environment, then retry.
 * - `configuration`: OpenTofu rejected the configuration at a file and line: retrying the same commit
 *   fails the same way, so fix it in the repository and trigger a new run.
 * - `other`: anything else (a provider's API, a timeout…): read the log; retrying may work.
 */
export type FailureCause =
  | { kind: 'repository' }
  | { kind: 'variable' }
  | { kind: 'configuration'; file: string; line: number }
  | { kind: 'other' };

const REPOSITORY_ERROR = /Could not read repository|Branch ".*" was not found|does not appear to be a git repository|Repository not found|Authentication failed|Could not resolve host|couldn't find remote ref/i;
const MISSING_VARIABLE = /No value for required variable/i;
// The runner's summary of a vendor error: "tofu plan failed: Unsupported argument (main.tf line 4)".
const CONFIGURATION_AT = /\bfailed: (.*) \(([^()\s]+\.tf(?:\.json)?) line (\d+)\)/;
// While planning, a provider's error on a resource also has a file and line (a retry may pass):
// only these summaries, OpenTofu's own checks of the configuration, say the configuration is wrong.
const CONFIGURATION_ERROR =
  /^(Unsupported (argument|attribute|block type)|Missing required argument|Reference to undeclared|Invalid (reference|expression|function argument|value for|block definition|multi-line string|count argument|for_each argument)|Call to unknown function|Duplicate |Incorrect attribute value type|Unterminated template string|Argument or block definition required|Unclosed configuration block|Variables not allowed|Module not installed|Unsuitable value type)/i;

export function failureCause(error: string | null, phase: string | null): FailureCause {
  if (!error) return { kind: 'other' };
  if ((phase === null || phase === 'PREPARING') && REPOSITORY_ERROR.test(error)) return { kind: 'repository' };
  if (phase === 'INITIALIZING' || phase === 'PLANNING') {
    if (MISSING_VARIABLE.test(error)) return { kind: 'variable' };
    const at = CONFIGURATION_AT.exec(error);
    if (at && (phase === 'INITIALIZING' || CONFIGURATION_ERROR.test(at[1]!))) return { kind: 'configuration', file: at[2]!, line: Number(at[3]) };
  }
  return { kind: 'other' };
}
