/** Milliseconds spent per step of a phase, in the order the steps first ran (for profiling). */
export type PhaseTimings = Record<string, number>;

/**
 * Adds up wall-clock time per named step. Steps that run side by side are measured separately, so
 * the sum can exceed the phase's own duration.
 */
export class StepTimer {
  private readonly totals: PhaseTimings = {};

  async measure<T>(step: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.add(step, performance.now() - started);
    }
  }

  add(step: string, ms: number): void {
    this.totals[step] = Math.round(((this.totals[step] ?? 0) + ms) * 10) / 10;
  }

  /** A copy of the totals so far. */
  snapshot(): PhaseTimings {
    return { ...this.totals };
  }
}
