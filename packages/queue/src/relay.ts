import type { JobProducer } from './producer.ts';
import type { OutboxJob } from './jobs.ts';

/**
 * Where the relay finds jobs. Implemented over the Outbox table by core (queue knows no database).
 */
export interface OutboxSource {
  /** Oldest unpublished rows first. */
  unpublished(limit: number): Promise<OutboxJob[]>;
  markPublished(ids: string[]): Promise<void>;
  markFailed(ids: string[], error: string): Promise<void>;
  /** Calls `wake` whenever a row may have been committed; resolves to an unsubscribe function. */
  subscribe?(wake: () => void): Promise<() => Promise<void>>;
}

export interface OutboxRelayOptions {
  source: OutboxSource;
  producer: JobProducer;
  /** Polling sweep period: the safety net when a notification is missed or Redis was down. */
  sweepMs: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
}

export interface OutboxRelay {
  start(): Promise<void>;
  /** One pass: publish everything pending now. Resolves to the number of jobs published. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Moves committed outbox rows to BullMQ. Safe to run in many processes at once: the BullMQ job id is
 * the outbox id, so a row published twice is one job. Wakes on notifications for low latency and
 * sweeps periodically so a missed notification or an outage only delays jobs.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const batchSize = options.batchSize ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = false;

  async function passOnce(): Promise<number> {
    let published = 0;
    for (;;) {
      const rows = await options.source.unpublished(batchSize);
      if (rows.length === 0) return published;
      const done: string[] = [];
      let failure: unknown = null;
      for (const row of rows) {
        try {
          await options.producer.publish(row);
          done.push(row.id);
        } catch (error) {
          failure = error;
          break;
        }
      }
      if (done.length) await options.source.markPublished(done);
      published += done.length;
      if (failure) {
        const failed = rows.slice(done.length, done.length + 1).map((r) => r.id);
        await options.source.markFailed(failed, String((failure as Error).message ?? failure)).catch(() => {});
        throw failure;
      }
      if (rows.length < batchSize) return published;
    }
  }

  function drain(): Promise<number> {
    // Coalesce wake-ups: one pass at a time, plus one more if woken meanwhile.
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await passOnce();
        } while (again && !stopped);
        return total;
      } finally {
        running = null;
      }
    })();
    return running;
  }

  const wake = () => {
    if (!stopped) drain().catch((error) => options.onError?.(error));
  };

  return {
    async start() {
      stopped = false;
      if (options.source.subscribe) unsubscribe = await options.source.subscribe(wake);
      timer = setInterval(wake, options.sweepMs);
      timer.unref?.();
      wake();
    },
    drain,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await unsubscribe?.();
      await running?.catch(() => 0);
    },
  };
}
