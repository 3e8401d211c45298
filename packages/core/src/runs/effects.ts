import type { RunState } from '@gantry/domain';
import type { RunStateChanged, ScopeServices } from '../context.ts';

/** Things to announce once the transaction that caused them has committed. */
export class AfterCommit {
  readonly stateChanges: RunStateChanged[] = [];

  stateChanged(change: RunStateChanged): void {
    this.stateChanges.push(change);
  }

  merge(other: AfterCommit): this {
    this.stateChanges.push(...other.stateChanges);
    return this;
  }

  /** Call only after commit: a rolled-back change must never be announced. */
  publish(scope: { services: ScopeServices }): void {
    for (const change of this.stateChanges) {
      try {
        scope.services.events.stateChanged(change);
      } catch {
        // Live updates are hints; readers re-read the database.
      }
    }
  }
}

export type { RunState };
