// Adapter from an event iterable to the body of a Web `Response` (Next.js route handlers).
import { encodeSseComment, encodeSseEvent, type SseEvent } from './sse.ts';
import type { RunStreamEvent } from './types.ts';

/** The contract's wire shape: `log` with id = seq, `state` without id, `end` last. */
export function runStreamEventToSse(event: RunStreamEvent): SseEvent {
  switch (event.type) {
    case 'log':
      return { event: 'log', id: event.seq, data: { seq: event.seq, state: event.state, text: event.text } };
    case 'state':
      return { event: 'state', data: { state: event.state, at: event.at, reason: event.reason } };
    case 'end':
      return { event: 'end', data: { state: event.state, lastSeq: event.lastSeq } };
  }
}

export interface SseResponseStreamOptions<T> {
  /** Maps an item to an SSE event. Default: `runStreamEventToSse`. */
  readonly toSse?: (item: T) => SseEvent;
  /** A comment is sent when nothing was sent for this long. Default 15 s. */
  readonly heartbeatMs?: number;
  /** Sent first as `retry:` (client reconnection delay), when given. */
  readonly retryMs?: number;
  /** Told when the iterable throws; the stream then errors and the client reconnects. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Streams `events` as SSE bytes. Pulls one event at a time (a slow client slows the source down).
 * When the client disconnects (the stream is cancelled) or `signal` aborts, the iterator's
 * `return()` is called, which for `streamRunEvents` ends its Redis subscription.
 */
export function toSseResponseStream<T = RunStreamEvent>(
  events: AsyncIterable<T>,
  signal?: AbortSignal,
  options: SseResponseStreamOptions<T> = {},
): ReadableStream<Uint8Array> {
  const toSse = options.toSse ?? (runStreamEventToSse as unknown as (item: T) => SseEvent);
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const encoder = new TextEncoder();
  let iterator: AsyncIterator<T> | null = null;
  let heartbeat: NodeJS.Timeout | undefined;
  let finished = false;
  let sentSinceTick = false;
  let onAbort: (() => void) | undefined;

  const stop = () => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    const it = iterator;
    // Do not wait: return() settles once the source noticed, cleanup happens in the background.
    if (it?.return) it.return().catch(() => undefined);
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      iterator = events[Symbol.asyncIterator]();
      if (options.retryMs !== undefined) controller.enqueue(encoder.encode(`retry: ${options.retryMs}\n\n`));
      heartbeat = setInterval(() => {
        if (finished) return;
        if (!sentSinceTick && (controller.desiredSize ?? 0) > 0) controller.enqueue(encoder.encode(encodeSseComment('heartbeat')));
        sentSinceTick = false;
      }, heartbeatMs);
      onAbort = () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed or errored
        }
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    },
    async pull(controller) {
      if (finished || !iterator) return;
      try {
        const result = await iterator.next();
        if (finished) return;
        if (result.done) {
          finished = true;
          clearInterval(heartbeat);
          if (onAbort) signal?.removeEventListener('abort', onAbort);
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(encodeSseEvent(toSse(result.value))));
        sentSinceTick = true;
      } catch (error) {
        if (finished) return;
        options.onError?.(error);
        stop();
        controller.error(error);
      }
    },
    cancel() {
      stop();
    },
  });
}
