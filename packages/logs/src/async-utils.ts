export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A level-triggered wake-up: `notify()` before `wait()` is not lost. `wait` resolves with why it
 * returned: a notification, the timeout, or the abort signal.
 */
export class Wakeup {
  private pending = false;
  private waiter: (() => void) | null = null;

  notify(): void {
    this.pending = true;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  wait(timeoutMs: number, signal: AbortSignal): Promise<'notified' | 'timeout' | 'aborted'> {
    if (signal.aborted) return Promise.resolve('aborted');
    if (this.pending) {
      this.pending = false;
      return Promise.resolve('notified');
    }
    return new Promise((resolve) => {
      const finish = (why: 'notified' | 'timeout' | 'aborted') => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiter = null;
        if (why === 'notified') this.pending = false;
        resolve(why);
      };
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = () => finish('notified');
    });
  }
}

/**
 * Wraps an async generator so that leaving the loop (`return()`) or aborting `signal` stops it
 * promptly: an async generator handles return() only after its pending next() settles, so the
 * generator is given a signal that is aborted first and wakes it from whatever it waits for.
 */
export function abortableIterable<T>(signal: AbortSignal | undefined, run: (signal: AbortSignal) => AsyncGenerator<T, void>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T, void> {
      const stop = new AbortController();
      const combined = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
      const generator = run(combined);
      return {
        next: () => generator.next(),
        return: (value?: unknown) => {
          stop.abort();
          return generator.return(value as undefined);
        },
        throw: (error?: unknown) => {
          stop.abort();
          return generator.throw(error);
        },
      };
    },
  };
}
