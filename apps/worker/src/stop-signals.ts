/**
 * How the worker process reads stop signals. A stop is graceful — plans in progress are handed back,
 * applies run to their end — however often SIGTERM arrives: process managers and wrappers (pnpm, tsx,
 * a terminal's process group) can deliver one request two or three times within milliseconds, and
 * cutting an apply short leaves its run failed and its stack locked. Only an explicit second request
 * stops at once: SIGQUIT, or SIGINT again (Ctrl-C pressed twice) at least `repeatWindowMs` after the
 * first (SIGINTs closer together are one Ctrl-C delivered twice).
 */
export interface StopSignalsOptions {
  log: (message: string) => void;
  /** The graceful stop; called once. */
  stop: () => void | Promise<void>;
  /** Stops at once, interrupting applies. */
  stopNow: () => void;
  /** SIGINTs closer together than this are one request (default 1000 ms). */
  repeatWindowMs?: number;
  now?: () => number;
}

type Signal = 'SIGTERM' | 'SIGINT' | 'SIGQUIT';

export interface StopSignals {
  /** Handles one signal (exposed for tests). */
  receive(signal: Signal): void;
  listen(target: { on(event: Signal, listener: () => void): unknown }): void;
}

export function createStopSignals(options: StopSignalsOptions): StopSignals {
  const repeatWindowMs = options.repeatWindowMs ?? 1_000;
  const now = options.now ?? Date.now;
  let stopping = false;
  let firstSigintAt: number | null = null;
  let forced = false;

  const stopNow = (why: string) => {
    if (forced) return;
    forced = true;
    options.log(`${why}: stopping at once; phases in progress are interrupted (an apply in progress fails and leaves its stack locked)`);
    options.stopNow();
  };

  const receive = (signal: Signal) => {
    if (signal === 'SIGQUIT') return stopNow('SIGQUIT');
    if (signal === 'SIGINT') {
      if (firstSigintAt !== null && now() - firstSigintAt >= repeatWindowMs) return stopNow('SIGINT again');
      firstSigintAt ??= now();
    }
    if (stopping) {
      options.log(`${signal} again: already stopping (applies run to their end; SIGQUIT, or Ctrl-C twice, stops at once)`);
      return;
    }
    stopping = true;
    options.log(`${signal}: stopping (plans are handed back, applies run to their end; SIGQUIT, or Ctrl-C twice, stops at once)`);
    void options.stop();
  };

  return {
    receive,
    listen(target) {
      for (const signal of ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const) target.on(signal, () => receive(signal));
    },
  };
}
