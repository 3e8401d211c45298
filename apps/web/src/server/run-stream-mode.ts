import type { CoreServices } from '@gantry/core';
import { subscribeRunEvents, type RunEventSubscription } from '@gantry/logs';

type Redis = NonNullable<CoreServices['redis']>;

/**
 * Whether a run's event stream is live (the server is subscribed to the run's Redis channel, so
 * output and state changes arrive as they happen) or polling (Redis is unavailable: the stream
 * reads the database every second instead). The page says which, instead of "Live" either way.
 */
export type StreamMode = 'live' | 'polling';

export interface StreamModeEvent {
  readonly type: 'mode';
  readonly mode: StreamMode;
}

export interface ModeWatcher {
  /** The mode now; never throws. */
  current(): Promise<StreamMode>;
  close(): void;
}

/**
 * Watches the run's Redis channel: live while the connection is ready and the subscription was
 * confirmed; polling without Redis, while it is away, or when it did not confirm in time (tried
 * again at the next check).
 */
export function redisModeWatcher(redis: Redis | null, runId: string, options: { subscribeTimeoutMs?: number } = {}): ModeWatcher {
  let subscription: RunEventSubscription | null = null;
  let subscribing: Promise<StreamMode> | null = null;
  let closed = false;
  return {
    async current() {
      if (!redis || redis.status !== 'ready' || closed) return 'polling';
      if (subscription) return 'live';
      subscribing ??= subscribeRunEvents(redis, { runId }, () => undefined, { timeoutMs: options.subscribeTimeoutMs ?? 2_000 }).then(
        (subscribed) => {
          subscribing = null;
          if (closed) {
            subscribed.unsubscribe();
            return 'polling';
          }
          subscription = subscribed;
          return 'live';
        },
        () => {
          subscribing = null;
          return 'polling';
        },
      );
      return subscribing;
    },
    close() {
      closed = true;
      subscription?.unsubscribe();
      subscription = null;
    },
  };
}

/**
 * `events` with a `mode` event first and whenever the mode changes (checked every `checkMs` while
 * the stream waits). Leaving the loop ends `events` and closes the watcher.
 */
export async function* withStreamMode<T>(events: AsyncIterable<T>, watcher: ModeWatcher, options: { checkMs?: number } = {}): AsyncGenerator<T | StreamModeEvent, void> {
  const checkMs = options.checkMs ?? 2_000;
  const iterator = events[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | null = null;
  try {
    let mode = await watcher.current();
    yield { type: 'mode', mode };
    for (;;) {
      pending ??= iterator.next();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<'tick'>((resolve) => {
        timer = setTimeout(() => resolve('tick'), checkMs);
      });
      const next = await Promise.race([pending, tick]).finally(() => clearTimeout(timer));
      if (next === 'tick') {
        const now = await watcher.current();
        if (now !== mode) {
          mode = now;
          yield { type: 'mode', mode };
        }
        continue;
      }
      pending = null;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    watcher.close();
    // Not awaited: a source waiting for output notices the return on its own (see streamRunEvents).
    if (iterator.return) void iterator.return().catch(() => undefined);
  }
}
