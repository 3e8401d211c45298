import { isLogPhase, parseLineAnchor } from '@gantry/ui';

/**
 * Which phase's log to show when the user has not picked one: the phase running now (even before
 * its first line), else the last phase that wrote output (e.g. PLANNING while UNCONFIRMED).
 */
export function defaultPhase(runState: string | undefined, phasesWithOutput: readonly string[]): string | null {
  if (runState && isLogPhase(runState)) return runState;
  return phasesWithOutput[phasesWithOutput.length - 1] ?? null;
}

/** The phase named by a line link in the URL hash (#planning-L12), if any. */
export function phaseFromHash(hash: string): string | null {
  return parseLineAnchor(hash)?.state ?? null;
}
