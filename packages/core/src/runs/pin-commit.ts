import { setTimeout as sleep } from 'node:timers/promises';
import type { RunState } from '@gantry/domain';
import type { AccountScope } from '../context.ts';

/** How long one branch lookup may take before the worker is left to do it. */
export const COMMIT_PIN_TIMEOUT_MS = 30_000;
/**
 * How long a READY run is left to a worker before the trigger's process pins it. A free worker claims
 * a run within tens of milliseconds and resolves the branch itself: a second `git ls-remote` beside
 * it would only take CPU from the run's start (bench/run-overhead).
 */
export const DEFAULT_COMMIT_PIN_DELAY_MS = 1_000;
/** Lookups one set of services runs at once; beyond that a run is left to its worker (a burst of triggers spawns no crowd of git processes). */
const MAX_PINS_IN_FLIGHT = 16;

interface Pin {
  readonly done: Promise<void>;
  /** Drops a pin that is still waiting for its delay (it has done nothing yet). */
  cancel(): void;
}

/**
 * The commit pins one set of services has started (ScopeServices.commitPins): closing the services
 * drops theirs, and only theirs.
 */
export class CommitPins {
  private readonly inFlight = new Set<Pin>();

  /** See pinCommitInBackground. */
  start(scope: AccountScope, run: { id: string; state: RunState }): void {
    if (this.inFlight.size >= MAX_PINS_IN_FLIGHT) return;
    const canceled = new AbortController();
    // Unreferenced: a process may end while a pin waits (its worker resolves the branch then).
    const waited = run.state === 'READY' ? sleep(scope.services.commitPinDelayMs, undefined, { signal: canceled.signal, ref: false }) : Promise.resolve();
    const pin: Pin = {
      // A canceled wait rejects: the pin ends without a lookup.
      done: waited
        .then(() => pinCommit(scope, run.id))
        .catch(() => undefined)
        .finally(() => this.inFlight.delete(pin)),
      cancel: () => canceled.abort(),
    };
    this.inFlight.add(pin);
  }

  /** Resolves once every pin started so far has settled, delays included (tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.inFlight].map((pin) => pin.done));
  }

  /** Drops the pins still waiting for their delay and waits for those looking up a commit (services about to close their database client). */
  async cancel(): Promise<void> {
    for (const pin of this.inFlight) pin.cancel();
    await this.settle();
  }
}

/**
 * Pins a just-triggered run to the head of its branch as it is now, without making the trigger wait:
 * started after the trigger committed, in the process that handled it (one `git ls-remote` through
 * `services.resolveCommit`, with a time limit). A run that waits in QUEUED behind another then runs
 * the commit that was the head when it was triggered, not whatever the head is when it starts, and
 * shows that commit meanwhile.
 *
 * A run that got the stack lock (READY) is pinned only if no worker has claimed it after
 * `services.commitPinDelayMs` (all workers busy): a worker that claims it resolves the branch itself,
 * as it starts, which is the same commit a moment later.
 *
 * The SHA is recorded only while the run has none and waits for a worker (`WHERE commitSha IS NULL`,
 * QUEUED or READY): a worker that claimed the run resolves and records the commit itself, and a run
 * whose worker already recorded what it checked out keeps it. Any failure (repository unreachable,
 * time-out, database) leaves the run as it was: its worker resolves the branch when it starts it.
 */
export function pinCommitInBackground(scope: AccountScope, run: { id: string; state: RunState }): void {
  scope.services.commitPins.start(scope, run);
}

async function pinCommit(scope: AccountScope, runId: string): Promise<void> {
  const run = await scope.db.run.findUnique({
    where: { id: runId },
    select: { commitSha: true, state: true, stack: { select: { repositoryUrl: true, branch: true } } },
  });
  if (!run || run.commitSha || (run.state !== 'QUEUED' && run.state !== 'READY')) return;
  const { sha } = await scope.services.resolveCommit({
    repositoryUrl: run.stack.repositoryUrl,
    branch: run.stack.branch,
    signal: AbortSignal.timeout(COMMIT_PIN_TIMEOUT_MS),
  });
  await scope.db.run.updateMany({ where: { id: runId, commitSha: null }, data: { commitSha: sha } });
}
