// SSE side of a run: one ordered stream of log chunks and state changes, ending when the run is
// terminal and every stored chunk was sent.
//
// Why it cannot miss or repeat a chunk:
// - Writers store a batch in Postgres before they XADD it and PUBLISH a "stored up to seq N" notice.
// - The reader SUBSCRIBES to the run's channel first, THEN reads the store. A batch stored before
//   that read is in it; a batch stored after it is announced on a channel we already listen to.
// - Chunks are only emitted when seq > last emitted seq, pages come sorted by seq, so nothing is
//   emitted twice or out of order. Chunks come from the Redis stream only when it continues the
//   sequence exactly (first seq = last + 1); any gap (trimmed, expired, Redis restarted or down when
//   the batch was written) is read from the store.
// - Pub/sub can drop messages (reconnects, Redis down), so the reader also polls the store and the
//   run status: every `pollIntervalMs` while subscribed, every `degradedPollIntervalMs` without a
//   working subscription. Redis down therefore means slower updates, not lost ones.
// - When the run turns terminal while a writer has announced chunks but not its close (the worker
//   reported the transition before closing its log), the reader waits up to `writerGraceMs` for the
//   close notice, so the last lines are not cut off. Then it drains the store and sends `end`.
// - A run that is terminal when the stream starts is served from the store alone.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { abortableIterable, Wakeup, withTimeout } from './async-utils.ts';
import { runEventsChannel } from './keys.ts';
import { readStreamAfter, type LogStoredNotice } from './live-stream.ts';
import { parseRunStateEvent, type RunStateEvent } from './run-events.ts';
import { entityIdSchema, parseOrThrow } from './schemas.ts';
import { subscribeChannel, type ChannelSubscription } from './subscriber-hub.ts';
import type { LogChunk, LogChunkStore, RunStatus, RunStreamEvent } from './types.ts';

export interface StreamRunEventsOptions {
  /** Base connection; the reader shares one pub/sub connection per base connection. Null: poll only. */
  readonly redis?: Redis | null;
  readonly store: LogChunkStore;
  readonly runId: string;
  /** Send chunks with seq > afterSeq (from Last-Event-ID). Null, undefined or -1: from the start. */
  readonly afterSeq?: number | null;
  /** Reads the run's current state from the database. */
  readonly isTerminal: () => Promise<RunStatus>;
  /** Ends the stream (client went away). */
  readonly signal?: AbortSignal;
  /** Chunks per store or stream read; bounds memory to about pageSize × 64 KiB. Default 64. */
  readonly pageSize?: number;
  /** Safety poll of store and status while subscribed. Default 5 s. */
  readonly pollIntervalMs?: number;
  /** Poll interval without a working Redis subscription. Default 1 s. */
  readonly degradedPollIntervalMs?: number;
  /**
   * When the run turns terminal while a writer is still open (the worker reports the transition
   * before closing its log), wait this long at most for the writer's last chunks. Default 3 s.
   */
  readonly writerGraceMs?: number;
  /** How long to wait for Redis to confirm the subscription before going on polling. Default 2 s. */
  readonly subscribeTimeoutMs?: number;
  /** Longest wait for one Redis read before reading the store instead. Default 2 s. */
  readonly redisTimeoutMs?: number;
}

const optionsSchema = z.object({
  runId: entityIdSchema,
  afterSeq: z.number().int().min(-1).nullable().optional(),
  isTerminal: z.custom<() => Promise<RunStatus>>((v) => typeof v === 'function', 'must be a function'),
  pageSize: z.number().int().min(1).max(1000).optional(),
  pollIntervalMs: z.number().int().positive().optional(),
  degradedPollIntervalMs: z.number().int().positive().optional(),
  writerGraceMs: z.number().int().nonnegative().optional(),
  subscribeTimeoutMs: z.number().int().positive().optional(),
  redisTimeoutMs: z.number().int().positive().optional(),
});

/**
 * Streams a run's log and state changes. Throws a TypeError at once for invalid options. The
 * iterable may be iterated once; leaving the loop (break/return) or aborting `signal` stops it and
 * its Redis subscription promptly, even while it is waiting for new output.
 */
export function streamRunEvents(options: StreamRunEventsOptions): AsyncIterable<RunStreamEvent> {
  parseOrThrow(optionsSchema, options, 'streamRunEvents options');
  if (typeof options.store?.readFrom !== 'function') throw new TypeError('Invalid streamRunEvents options: store must implement LogChunkStore');
  return abortableIterable(options.signal, (signal) => generateRunEvents(options, signal));
}

async function* generateRunEvents(options: StreamRunEventsOptions, signal: AbortSignal): AsyncGenerator<RunStreamEvent, void> {
  const { store, runId } = options;
  const redis = options.redis ?? null;
  const pageSize = options.pageSize ?? 64;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const degradedPollIntervalMs = options.degradedPollIntervalMs ?? 1_000;
  const redisTimeoutMs = options.redisTimeoutMs ?? 2_000;

  let lastSent = options.afterSeq ?? -1;
  let lastState: string | null = null;
  /** Highest seq announced as stored on the run's channel. */
  let announcedSeq = -1;

  const stateEvent = (state: string, at: string | Date | null | undefined, reason: string | null | undefined): RunStreamEvent => {
    lastState = state;
    return { type: 'state', state, at: at instanceof Date ? at.toISOString() : (at ?? null), reason: reason ?? null };
  };

  /** Reads the next page: from the Redis stream when it continues the sequence, else from the store. */
  const nextPage = async (preferRedis: boolean): Promise<{ chunks: LogChunk[]; from: 'redis' | 'store' | 'none' }> => {
    if (preferRedis && redis && redis.status === 'ready') {
      let fromStream: LogChunk[] | null = null;
      try {
        fromStream = await withTimeout(readStreamAfter(redis, runId, lastSent, pageSize), redisTimeoutMs, 'Redis read timed out');
      } catch {
        fromStream = null;
      }
      if (fromStream) {
        let contiguous = 0;
        while (contiguous < fromStream.length && fromStream[contiguous]!.seq === lastSent + 1 + contiguous) contiguous += 1;
        if (contiguous > 0) return { chunks: fromStream.slice(0, contiguous), from: 'redis' };
        // Nothing new in the stream and nothing announced beyond what we sent: caught up.
        if (fromStream.length === 0 && announcedSeq <= lastSent) return { chunks: [], from: 'none' };
      }
    }
    return { chunks: await store.readFrom(runId, lastSent, pageSize), from: 'store' };
  };

  /** Emits the chunks available after lastSent, up to seq `upTo`. */
  async function* drain(preferRedis: boolean, upTo = Number.POSITIVE_INFINITY): AsyncGenerator<RunStreamEvent, void> {
    while (lastSent < upTo) {
      if (signal.aborted) return;
      const page = await nextPage(preferRedis);
      for (const chunk of page.chunks) {
        if (chunk.seq <= lastSent) continue;
        if (chunk.seq > upTo || signal.aborted) return;
        yield { type: 'log', seq: chunk.seq, state: chunk.state, text: chunk.text };
        lastSent = chunk.seq;
      }
      if (page.from === 'none') return;
      if (page.from === 'store' && page.chunks.length < pageSize) return;
    }
  }

  const first = await options.isTerminal();
  if (signal.aborted) return;
  yield stateEvent(first.state, first.at, first.reason);
  if (first.terminal) {
    yield* drain(false);
    if (!signal.aborted) yield { type: 'end', state: first.state, lastSeq: lastSent >= 0 ? lastSent : null };
    return;
  }

  const wakeup = new Wakeup();
  // Messages in arrival order, so a state change is emitted after the chunks stored before it and
  // before those stored after it. Consecutive "stored" notices are merged: the queue stays small.
  const incoming: Array<{ kind: 'state'; event: RunStateEvent } | { kind: 'stored'; lastSeq: number }> = [];
  let reconnected = false;
  /** A writer announced chunks and has not announced its close yet. */
  let writerOpen = false;
  let subscription: ChannelSubscription | null = null;
  let subscribed = false;
  try {
    if (redis) {
      subscription = subscribeChannel(redis, runEventsChannel(runId), {
        onMessage: (message) => {
          const event = parseRunStateEvent(message);
          const last = incoming.at(-1);
          if (event) {
            if (event.runId !== runId) return;
            incoming.push({ kind: 'state', event });
          } else if (isLogNotice(message, runId)) {
            writerOpen = message.closed !== true;
            announcedSeq = Math.max(announcedSeq, message.lastSeq);
            if (last?.kind === 'stored') last.lastSeq = Math.max(last.lastSeq, message.lastSeq);
            else incoming.push({ kind: 'stored', lastSeq: message.lastSeq });
          } else {
            return;
          }
          wakeup.notify();
        },
        onReconnect: () => {
          reconnected = true;
          wakeup.notify();
        },
      });
      try {
        await withTimeout(subscription.ready, options.subscribeTimeoutMs ?? 2_000, 'subscribe timed out');
        subscribed = true;
      } catch {
        // Redis is away: poll. The subscription stays registered and starts working when Redis is
        // back; then catch up once from the store, since notices sent meanwhile were lost.
        subscription.ready.then(
          () => {
            subscribed = true;
            reconnected = true;
            wakeup.notify();
          },
          () => undefined,
        );
      }
    }
    if (signal.aborted) return;

    // The run may have changed (or ended) between the first status read and the subscription.
    let status = await options.isTerminal();
    if (status.state !== lastState) yield stateEvent(status.state, status.at, status.reason);
    let terminal = status.terminal;
    yield* drain(false);

    while (!terminal && !signal.aborted) {
      const live = subscription !== null && subscribed && subscription.isConnected();
      const why = await wakeup.wait(live ? pollIntervalMs : degradedPollIntervalMs, signal);
      if (why === 'aborted') return;
      const catchUp = why === 'timeout' || reconnected || !live;
      reconnected = false;
      let recheck = catchUp;
      while (incoming.length > 0 && !signal.aborted) {
        const message = incoming.shift()!;
        if (message.kind === 'stored') {
          yield* drain(!catchUp, message.lastSeq);
        } else {
          recheck = true;
          if (message.event.state !== lastState) yield stateEvent(message.event.state, message.event.at, message.event.reason);
        }
      }
      if (catchUp) yield* drain(false);
      // After the queue, so the database's (possibly newer) state does not overtake queued chunks.
      if (recheck && !signal.aborted) {
        status = await options.isTerminal();
        if (status.state !== lastState) yield stateEvent(status.state, status.at, status.reason);
        terminal = status.terminal;
      }
    }
    // Terminal. A writer that is still open is flushing its last output: give it a moment.
    const graceEnd = Date.now() + (options.writerGraceMs ?? 3_000);
    while (writerOpen && !signal.aborted && Date.now() < graceEnd) {
      if ((await wakeup.wait(graceEnd - Date.now(), signal)) === 'aborted') return;
      while (incoming.length > 0 && !signal.aborted) {
        const message = incoming.shift()!;
        if (message.kind === 'stored') yield* drain(true, message.lastSeq);
      }
    }
    if (signal.aborted) return;
    yield* drain(false);
    if (!signal.aborted) yield { type: 'end', state: status.state, lastSeq: lastSent >= 0 ? lastSent : null };
  } finally {
    subscription?.unsubscribe();
  }
}

function isLogNotice(message: unknown, runId: string): message is LogStoredNotice {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  return (
    m.type === 'log' &&
    m.runId === runId &&
    typeof m.lastSeq === 'number' &&
    Number.isInteger(m.lastSeq) &&
    (m.closed === undefined || typeof m.closed === 'boolean')
  );
}
