import { isTerminal } from '@gantry/domain';
import type { AccountScope } from '../context.ts';

/** How long one branch lookup may take before the worker is left to do it. */
export const COMMIT_PIN_TIMEOUT_MS = 30_000;
/** Lookups one process runs at once; beyond that a run is left to its worker (a burst of triggers spawns no crowd of git processes). */
const MAX_PINS_IN_FLIGHT = 16;

const inFlight = new Set<Promise<void>>();

/**
 * Pins a just-triggered run to the head of its branch as it is now, without making the trigger wait:
 * started after the trigger committed, in the process that handled it (one `git ls-remote` through
 * `services.resolveCommit`, with a time limit). A run that waits in QUEUED behind another then runs
 * the commit that was the head when it was triggered, not whatever the head is when it starts, and
 * shows that commit meanwhile.
 *
 * The SHA is recorded only while the run has none (`WHERE commitSha IS NULL`): a worker that claimed
 * the run first resolves and records the commit itself, and a run whose worker already recorded what
 * it checked out keeps it. Any failure (repository unreachable, time-out, database) leaves the run
 * as it was: its worker resolves the branch when it starts it, as before.
 */
export function pinCommitInBackground(scope: AccountScope, runId: string): void {
  if (inFlight.size >= MAX_PINS_IN_FLIGHT) return;
  const pin: Promise<void> = pinCommit(scope, runId)
    .catch(() => undefined)
    .finally(() => inFlight.delete(pin));
  inFlight.add(pin);
}

/** Resolves once every pin started so far has settled (tests; a process about to exit). */
export async function settleCommitPins(): Promise<void> {
  await Promise.all([...inFlight]);
}

async function pinCommit(scope: AccountScope, runId: string): Promise<void> {
  const run = await scope.db.run.findUnique({
    where: { id: runId },
    select: { commitSha: true, state: true, stack: { select: { repositoryUrl: true, branch: true } } },
  });
  if (!run || run.commitSha || isTerminal(run.state)) return;
  const { sha } = await scope.services.resolveCommit({
    repositoryUrl: run.stack.repositoryUrl,
    branch: run.stack.branch,
    signal: AbortSignal.timeout(COMMIT_PIN_TIMEOUT_MS),
  });
  await scope.db.run.updateMany({ where: { id: runId, commitSha: null }, data: { commitSha: sha } });
}
