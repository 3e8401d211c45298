// @gantry/logs: a run's log (chunks in Postgres through a port, live tail over a Redis stream),
// run state events over Redis pub/sub, and the SSE stream that combines them.
export type { LogChunk, LogChunkStore, RunStatus, RunStateChange, RunStreamEvent } from './types.ts';
export { MAX_CHUNK_BYTES } from './chunking.ts';
export {
  runLogStreamKey,
  runEventsChannel,
  accountRunEventsChannel,
  LOG_STREAM_MAX_LEN,
  LOG_STREAM_TTL_SECONDS,
  LOG_STREAM_CLOSED_TTL_SECONDS,
} from './keys.ts';
export { createRunLogWriter, LogPersistError, type LogHandOver, type RunLogWriter, type RunLogWriterOptions, type RunLogWriterStats } from './writer.ts';
export {
  publishRunEvent,
  subscribeRunEvents,
  streamAccountRunEvents,
  parseRunStateEvent,
  type RunStateEvent,
  type RunStateEventInput,
  type RunEventSubscription,
  type StreamAccountRunEventsOptions,
} from './run-events.ts';
export { streamRunEvents, type StreamRunEventsOptions } from './reader.ts';
export { encodeSseEvent, encodeSseComment, parseLastEventId, InvalidLastEventIdError, SSE_RESPONSE_HEADERS, type SseEvent } from './sse.ts';
export { toSseResponseStream, runStreamEventToSse, type SseResponseStreamOptions } from './sse-response.ts';
