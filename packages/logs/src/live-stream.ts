// The Redis side of a run's log: a stream of recent chunks plus a notification per stored batch.
// Writers only publish chunks that are already stored in Postgres, so the stream is a cache of the
// store's tail: readers use it to avoid querying Postgres on every batch, and fall back to the
// store whenever the stream has a gap (trimmed, expired, Redis restarted, Redis down at the time).
import type { Redis } from 'ioredis';
import {
  LOG_STREAM_CLOSED_TTL_SECONDS,
  LOG_STREAM_MAX_LEN,
  LOG_STREAM_TTL_SECONDS,
  runEventsChannel,
  runLogStreamKey,
  streamIdForSeq,
} from './keys.ts';
import type { LogChunk } from './types.ts';

/**
 * Message on a run's channel telling that chunks up to `lastSeq` are stored; `closed` when a writer
 * closed (readers of a run that just turned terminal wait for it, see streamRunEvents).
 */
export interface LogStoredNotice {
  readonly type: 'log';
  readonly runId: string;
  readonly lastSeq: number;
  readonly closed?: boolean;
}

export interface LiveStreamLimits {
  readonly maxLen?: number;
  readonly ttlSeconds?: number;
}

/**
 * Appends stored chunks to the run's stream (one pipeline: XADD per chunk with approximate MAXLEN
 * trimming, a refreshed TTL) and publishes a notice on the run's channel. An XADD whose id is not
 * above the stream's top (the same batch published twice) fails alone and is ignored.
 */
export async function publishStoredChunks(redis: Redis, chunks: readonly LogChunk[], limits: LiveStreamLimits = {}): Promise<void> {
  const last = chunks.at(-1);
  if (!last) return;
  await publishChunks(redis, last.runId, chunks, limits.ttlSeconds ?? LOG_STREAM_TTL_SECONDS, { type: 'log', runId: last.runId, lastSeq: last.seq }, limits);
}

/**
 * A writer's last publish in one pipeline: its last stored chunks (maybe none), the stream's shorter
 * TTL, and one notice that chunks up to `lastSeq` are stored and the writer closed.
 */
export async function publishFinalChunks(
  redis: Redis,
  runId: string,
  chunks: readonly LogChunk[],
  lastSeq: number,
  limits: LiveStreamLimits & { closedTtlSeconds?: number } = {},
): Promise<void> {
  await publishChunks(redis, runId, chunks, limits.closedTtlSeconds ?? LOG_STREAM_CLOSED_TTL_SECONDS, { type: 'log', runId, lastSeq, closed: true }, limits);
}

/** XADDs, the stream's TTL and the notice on the run's channel, as one pipeline. */
async function publishChunks(
  redis: Redis,
  runId: string,
  chunks: readonly LogChunk[],
  ttlSeconds: number,
  notice: LogStoredNotice,
  limits: LiveStreamLimits,
): Promise<void> {
  const key = runLogStreamKey(runId);
  const pipeline = redis.pipeline();
  addChunks(pipeline, key, chunks, limits);
  pipeline.expire(key, ttlSeconds);
  pipeline.publish(runEventsChannel(runId), JSON.stringify(notice));
  const results = await pipeline.exec();
  // Only a connection-level failure matters here; per-command errors (stale ids) are expected.
  if (results === null) throw new Error('Redis pipeline was discarded');
}

/** XADD per chunk with approximate MAXLEN trimming; an id not above the stream's top fails alone. */
function addChunks(pipeline: ReturnType<Redis['pipeline']>, key: string, chunks: readonly LogChunk[], limits: LiveStreamLimits): void {
  const maxLen = String(limits.maxLen ?? LOG_STREAM_MAX_LEN);
  for (const chunk of chunks) {
    pipeline.xadd(key, 'MAXLEN', '~', maxLen, streamIdForSeq(chunk.seq), 'seq', String(chunk.seq), 'state', chunk.state, 'text', chunk.text);
  }
}

/**
 * Reads up to `count` chunks with seq > afterSeq from the run's stream, ascending. Entries that do
 * not have the expected shape are skipped (the stream is a cache; the store has the truth).
 */
export async function readStreamAfter(redis: Redis, runId: string, afterSeq: number, count: number): Promise<LogChunk[]> {
  const entries = (await redis.xrange(runLogStreamKey(runId), `${afterSeq + 1}-0`, '+', 'COUNT', count)) as unknown;
  if (!Array.isArray(entries)) return [];
  const chunks: LogChunk[] = [];
  for (const entry of entries) {
    const chunk = parseStreamEntry(runId, entry);
    if (chunk && chunk.seq > afterSeq) chunks.push(chunk);
  }
  return chunks;
}

function parseStreamEntry(runId: string, entry: unknown): LogChunk | null {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) return null;
  const fields = entry[1] as unknown[];
  let seq: number | null = null;
  let state: string | null = null;
  let text: string | null = null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    const value = fields[i + 1];
    if (typeof value !== 'string') continue;
    if (name === 'seq') seq = /^\d+$/.test(value) ? Number(value) : null;
    else if (name === 'state') state = value;
    else if (name === 'text') text = value;
  }
  if (seq === null || state === null || text === null || entry[0] !== streamIdForSeq(seq)) return null;
  return { runId, seq, state, text };
}
