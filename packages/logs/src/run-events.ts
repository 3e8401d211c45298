// Run state changes over Redis pub/sub: one channel per run (the run page) and one per account
// (lists). Pub/sub is at-most-once, so consumers treat it as a hint and can always re-read the
// database; `streamRunEvents` polls as a safety net.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { abortableIterable, Wakeup, withTimeout } from './async-utils.ts';
import { accountRunEventsChannel, runEventsChannel } from './keys.ts';
import { entityIdSchema, parseOrThrow, runStateSchema } from './schemas.ts';
import { subscribeChannel } from './subscriber-hub.ts';

const isoTimestamp = z.iso.datetime({ offset: true });

export const runStateEventInputSchema = z.object({
  runId: entityIdSchema,
  accountId: entityIdSchema,
  stackId: entityIdSchema.optional(),
  state: runStateSchema,
  at: z.union([z.date().transform((d) => d.toISOString()), isoTimestamp]),
  reason: z.string().max(10_000).nullable().optional().transform((r) => r ?? null),
});

export type RunStateEventInput = z.input<typeof runStateEventInputSchema>;

/** What subscribers receive (JSON on the wire). */
export interface RunStateEvent {
  readonly type: 'state';
  readonly runId: string;
  readonly accountId: string;
  readonly stackId?: string;
  readonly state: string;
  /** ISO 8601. */
  readonly at: string;
  readonly reason: string | null;
}

const runStateEventSchema = z.object({
  type: z.literal('state'),
  runId: z.string(),
  accountId: z.string(),
  stackId: z.string().optional(),
  state: z.string(),
  at: z.string(),
  reason: z.string().nullable(),
});

/** Reads a pub/sub message as a state event, or null when it is something else. */
export function parseRunStateEvent(message: unknown): RunStateEvent | null {
  const result = runStateEventSchema.safeParse(message);
  return result.success ? result.data : null;
}

/**
 * Announces a run's new state on the run's and the account's channel. Call it after the transition
 * committed. Best effort: it rejects when Redis is not connected or does not answer within
 * `timeoutMs` (default 2 s); callers should log that and go on (readers re-read the database).
 * Invalid input rejects with a TypeError.
 */
export async function publishRunEvent(redis: Redis, input: RunStateEventInput, options: { timeoutMs?: number } = {}): Promise<void> {
  const data = parseOrThrow(runStateEventInputSchema, input, 'run event');
  const event: RunStateEvent = { type: 'state', ...data };
  if (redis.status !== 'ready') throw new Error(`Redis is not connected (status ${redis.status}); run event not published`);
  const message = JSON.stringify(event);
  const pipeline = redis.pipeline().publish(runEventsChannel(event.runId), message).publish(accountRunEventsChannel(event.accountId), message);
  const timeoutMs = options.timeoutMs ?? 2_000;
  const results = await withTimeout(pipeline.exec(), timeoutMs, `Redis did not answer within ${timeoutMs} ms; run event not published`);
  const failed = results?.find(([error]) => error);
  if (failed) throw failed[0];
}

export interface RunEventSubscription {
  unsubscribe(): void;
}

/**
 * Calls `onEvent` for every state change of one run (`{ runId }`) or of every run of an account
 * (`{ accountId }`). Resolves once Redis confirmed the subscription; rejects after `timeoutMs`
 * (default 5 s) if it could not subscribe. `onReconnect` is called when the connection came back
 * after a drop (events may have been missed: re-read the database).
 */
export async function subscribeRunEvents(
  redis: Redis,
  target: { readonly runId: string } | { readonly accountId: string },
  onEvent: (event: RunStateEvent) => void,
  options: { timeoutMs?: number; onReconnect?: () => void } = {},
): Promise<RunEventSubscription> {
  const channel =
    'runId' in target
      ? runEventsChannel(parseOrThrow(entityIdSchema, target.runId, 'runId'))
      : accountRunEventsChannel(parseOrThrow(entityIdSchema, target.accountId, 'accountId'));
  const subscription = subscribeChannel(redis, channel, {
    onMessage: (message) => {
      const event = parseRunStateEvent(message);
      if (event) onEvent(event);
    },
    onReconnect: options.onReconnect,
  });
  const timeoutMs = options.timeoutMs ?? 5_000;
  try {
    await withTimeout(subscription.ready, timeoutMs, `Could not subscribe to ${channel} within ${timeoutMs} ms`);
  } catch (error) {
    subscription.unsubscribe();
    throw error;
  }
  return { unsubscribe: () => subscription.unsubscribe() };
}

export interface StreamAccountRunEventsOptions {
  readonly redis: Redis;
  readonly accountId: string;
  readonly signal?: AbortSignal;
  /** Events kept while the consumer is slow; older ones are dropped (they are hints). Default 1000. */
  readonly maxQueued?: number;
  /** Default 5 s; the iteration throws if Redis does not confirm the subscription in time. */
  readonly subscribeTimeoutMs?: number;
}

/**
 * State changes of every run of an account as an async iterable, for an SSE route that keeps
 * lists live (`toSseResponseStream(events, signal, { toSse: (e) => ({ event: 'run', data: e }) })`).
 * At-most-once: after a Redis reconnect clients should refetch their list.
 */
export function streamAccountRunEvents(options: StreamAccountRunEventsOptions): AsyncIterable<RunStateEvent> {
  const channel = accountRunEventsChannel(parseOrThrow(entityIdSchema, options.accountId, 'accountId'));
  const maxQueued = options.maxQueued ?? 1000;
  return abortableIterable(options.signal, async function* (signal) {
    const queue: RunStateEvent[] = [];
    const wakeup = new Wakeup();
    const subscription = subscribeChannel(options.redis, channel, {
      onMessage: (message) => {
        const event = parseRunStateEvent(message);
        if (!event) return;
        queue.push(event);
        if (queue.length > maxQueued) queue.shift();
        wakeup.notify();
      },
    });
    try {
      const timeoutMs = options.subscribeTimeoutMs ?? 5_000;
      await withTimeout(subscription.ready, timeoutMs, `Could not subscribe to ${channel} within ${timeoutMs} ms`);
      while (!signal.aborted) {
        while (queue.length > 0 && !signal.aborted) yield queue.shift()!;
        if ((await wakeup.wait(60_000, signal)) === 'aborted') return;
      }
    } finally {
      subscription.unsubscribe();
    }
  });
}
