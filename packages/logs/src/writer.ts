// Worker side of a run's log: buffers output, cuts it into chunks, stores them in Postgres (the
// source of truth) and then publishes them to Redis for live readers.
//
// Order of effects per batch: store.append → XADD + PUBLISH. Redis therefore never shows a chunk
// the store lacks, and the store's max seq is the one place a later phase (maybe on another worker)
// continues numbering from.
//
// Failure behaviour:
// - Redis down or slow: the batch is not published (counted in stats.batchesNotPublished); the
//   writer never waits on Redis longer than `redisTimeoutMs`, and skips Redis while the connection
//   is not ready. Persistence is unaffected; live readers notice the gap and read the store.
// - Store failing: the batch is retried with backoff (100 ms … 5 s) for as long as the writer is
//   open, keeping its seqs. Output keeps being buffered; once `highWaterMarkBytes` are unsaved,
//   `write()` returns a promise that waits until the store catches up (backpressure for the
//   process producing the output, which is paused rather than killed). After `close()` is called
//   the retries stop at `closeTimeoutMs`, and `close()` rejects with a LogPersistError.
// - A killed worker loses only output not yet stored: at most one flush interval plus the batch
//   being stored.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { sleep, withTimeout } from './async-utils.ts';
import { cutIntoChunks, MAX_CHUNK_BYTES, utf8ByteLength } from './chunking.ts';
import { publishFinalChunks, publishStoredChunks } from './live-stream.ts';
import { entityIdSchema, parseOrThrow, runStateSchema } from './schemas.ts';
import type { LogChunk, LogChunkStore } from './types.ts';

export interface RunLogWriterOptions {
  /** Connection used for XADD/PUBLISH; null or undefined disables the live tail. */
  readonly redis?: Redis | null;
  readonly store: LogChunkStore;
  readonly runId: string;
  /** Run state the output is produced in; change it with `setState`. */
  readonly state: string;
  /**
   * The run's highest stored seq when the caller read it already (null: nothing stored), e.g. in the
   * transaction that claimed the phase; otherwise the writer asks the store.
   */
  readonly storedMaxSeq?: number | null;
  /** Buffered output is stored at the latest this long after it was written. Default 50 ms. */
  readonly flushIntervalMs?: number;
  /** Buffered output is stored right away once it reaches this many bytes. Default 64 KiB. */
  readonly flushBytes?: number;
  /** Largest chunk, in UTF-8 bytes. Default 64 KiB. */
  readonly maxChunkBytes?: number;
  /** Unsaved bytes above which `write()` waits for the store. Default 8 MiB. */
  readonly highWaterMarkBytes?: number;
  /** Chunks per `store.append` call. Default 32 (≤ 2 MiB per call). */
  readonly maxChunksPerAppend?: number;
  /** How long `close()` keeps retrying a failing store. Default 30 s. */
  readonly closeTimeoutMs?: number;
  /** Longest wait for Redis per batch. Default 2 s. */
  readonly redisTimeoutMs?: number;
  readonly streamMaxLen?: number;
  readonly streamTtlSeconds?: number;
  readonly closedStreamTtlSeconds?: number;
  /** Told about every failed store attempt and every failed publish (for logging/metrics). */
  readonly onError?: (error: unknown, during: 'persist' | 'publish') => void;
}

export interface RunLogWriterStats {
  /** seq of the last chunk stored by this writer, or the run's max seq before it when none yet. */
  readonly lastStoredSeq: number | null;
  readonly chunksStored: number;
  readonly bytesStored: number;
  /** Batches stored but not published to Redis (Redis down or slow). */
  readonly batchesNotPublished: number;
  /** Output discarded because storing had failed for good. */
  readonly bytesDropped: number;
}

export interface RunLogWriter {
  readonly runId: string;
  /** State that new output is tagged with. */
  readonly state: string;
  readonly stats: RunLogWriterStats;
  /**
   * Buffers masked output. Resolves at once unless more than `highWaterMarkBytes` are unsaved, then
   * when the store has caught up. Never rejects (failures surface from flush/close), so it may be
   * called without awaiting. Throws only when called after `close()`.
   */
  write(text: string): Promise<void>;
  /** Tags output written from now on with `state`; output before it keeps the previous state. */
  setState(state: string): void;
  /** Stores everything written so far (and publishes it when Redis is up). */
  flush(): Promise<void>;
  /**
   * Stores everything, shortens the stream's TTL, tells live readers the writer closed, and refuses
   * further writes. Close (or at least flush) before reporting the phase's end transition.
   */
  close(): Promise<RunLogWriterStats>;
  /**
   * Closes the writer and hands the output it has not stored yet (at most one append's worth; more
   * is stored first) to the caller, to be stored in the caller's own transaction, e.g. with the
   * transition that ends the phase: one transaction instead of two. Then call `stored()` once that
   * transaction committed, or `notStored()` if it did not.
   */
  handOver(): Promise<LogHandOver>;
}

/** The rest of a closed writer's output, for the caller to store (RunLogWriter.handOver). */
export interface LogHandOver {
  /** In seq order, right after what the writer stored; empty when everything is stored. */
  readonly chunks: readonly LogChunk[];
  /**
   * The caller stored the chunks: the writer publishes them and its close to live readers (one Redis
   * round trip). Never rejects (Redis failures go to `onError`, like every publish).
   */
  stored(): Promise<RunLogWriterStats>;
  /** The caller could not store them: the writer does, then closes; resolves or rejects like close(). */
  notStored(): Promise<RunLogWriterStats>;
}

export class LogPersistError extends Error {
  constructor(
    readonly runId: string,
    readonly firstLostSeq: number,
    override readonly cause: unknown,
  ) {
    super(`Could not store the log of run ${runId} from seq ${firstLostSeq}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'LogPersistError';
  }
}

const positiveInt = z.number().int().positive();
const optionsSchema = z.object({
  runId: entityIdSchema,
  state: runStateSchema,
  storedMaxSeq: z.number().int().nonnegative().nullable().optional(),
  flushIntervalMs: positiveInt.optional(),
  flushBytes: positiveInt.optional(),
  maxChunkBytes: z.number().int().min(4).max(MAX_CHUNK_BYTES).optional(),
  highWaterMarkBytes: positiveInt.optional(),
  maxChunksPerAppend: positiveInt.optional(),
  closeTimeoutMs: z.number().int().nonnegative().optional(),
  redisTimeoutMs: positiveInt.optional(),
  streamMaxLen: positiveInt.optional(),
  streamTtlSeconds: positiveInt.optional(),
  closedStreamTtlSeconds: positiveInt.optional(),
});

/**
 * Opens the log of a run phase for writing. Reads the run's stored max seq first (unless given), so
 * numbering continues after earlier phases written by any worker. Only one writer per run may be open.
 */
export async function createRunLogWriter(options: RunLogWriterOptions): Promise<RunLogWriter> {
  parseOrThrow(optionsSchema, options, 'run log writer options');
  if (typeof options.store?.append !== 'function' || typeof options.store.maxSeq !== 'function') {
    throw new TypeError('Invalid run log writer options: store must implement LogChunkStore');
  }
  const maxSeq = options.storedMaxSeq !== undefined ? options.storedMaxSeq : await options.store.maxSeq(options.runId);
  return new BufferedRunLogWriter(options, maxSeq);
}

const RESOLVED = Promise.resolve();
const NUL = /\u0000/g;

class BufferedRunLogWriter implements RunLogWriter {
  readonly runId: string;
  private currentState: string;
  private readonly redis: Redis | null;
  private readonly store: LogChunkStore;
  private readonly flushIntervalMs: number;
  private readonly flushBytes: number;
  private readonly maxChunkBytes: number;
  private readonly highWaterMarkBytes: number;
  private readonly maxChunksPerAppend: number;
  private readonly closeTimeoutMs: number;
  private readonly redisTimeoutMs: number;
  private readonly options: RunLogWriterOptions;

  /** Output of the current state not cut into chunks yet. */
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Chunks with seqs assigned, not stored yet, in seq order, and their UTF-8 sizes. */
  private sealed: LogChunk[] = [];
  private sealedSizes: number[] = [];
  private sealedBytes = 0;
  private nextSeq: number;
  private drainWaiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  /** Flush job waiting to start; later requests join it. */
  private queuedJob: { sealAll: boolean; promise: Promise<void> } | null = null;
  private tail: Promise<void> = RESOLVED;
  private closeDeadline: number | null = null;
  private closing = false;
  private failure: LogPersistError | null = null;

  private lastStoredSeq: number | null;
  private chunksStored = 0;
  private bytesStored = 0;
  private batchesNotPublished = 0;
  private bytesDropped = 0;

  constructor(options: RunLogWriterOptions, maxSeq: number | null) {
    this.options = options;
    this.runId = options.runId;
    this.currentState = options.state;
    this.redis = options.redis ?? null;
    this.store = options.store;
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.maxChunkBytes = options.maxChunkBytes ?? MAX_CHUNK_BYTES;
    this.flushBytes = options.flushBytes ?? this.maxChunkBytes;
    this.highWaterMarkBytes = options.highWaterMarkBytes ?? 8 * 1024 * 1024;
    this.maxChunksPerAppend = options.maxChunksPerAppend ?? 32;
    this.closeTimeoutMs = options.closeTimeoutMs ?? 30_000;
    this.redisTimeoutMs = options.redisTimeoutMs ?? 2_000;
    this.lastStoredSeq = maxSeq;
    this.nextSeq = (maxSeq ?? -1) + 1;
  }

  get state(): string {
    return this.currentState;
  }

  /** Bytes written but not stored yet. */
  private get unsavedBytes(): number {
    return this.pendingBytes + this.sealedBytes;
  }

  get stats(): RunLogWriterStats {
    return {
      lastStoredSeq: this.lastStoredSeq,
      chunksStored: this.chunksStored,
      bytesStored: this.bytesStored,
      batchesNotPublished: this.batchesNotPublished,
      bytesDropped: this.bytesDropped,
    };
  }

  write(text: string): Promise<void> {
    if (this.closing) throw new Error(`The log writer of run ${this.runId} is closed`);
    if (typeof text !== 'string') throw new TypeError('RunLogWriter.write expects a string');
    if (text.length === 0) return RESOLVED;
    // Postgres text cannot hold NUL; keep the position visible instead of failing the batch forever.
    const clean = text.includes('\u0000') ? text.replace(NUL, '\uFFFD') : text;
    const bytes = utf8ByteLength(clean);
    if (this.failure) {
      this.bytesDropped += bytes;
      return RESOLVED;
    }
    this.pending.push(clean);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= this.flushBytes) {
      if (!this.queuedJob) this.flushInBackground(false);
    } else if (!this.timer && !this.queuedJob) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flushInBackground(false);
      }, this.flushIntervalMs);
    }
    if (this.unsavedBytes <= this.highWaterMarkBytes) return RESOLVED;
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  setState(state: string): void {
    if (this.closing) throw new Error(`The log writer of run ${this.runId} is closed`);
    parseOrThrow(runStateSchema, state, 'run state');
    if (state === this.currentState) return;
    this.seal(true);
    this.currentState = state;
    if (this.sealed.length > 0) this.flushInBackground(false);
  }

  async flush(): Promise<void> {
    await this.requestFlush(true);
    if (this.failure) throw this.failure;
  }

  async close(): Promise<RunLogWriterStats> {
    if (!this.closing) {
      this.closing = true;
      this.closeDeadline = Date.now() + this.closeTimeoutMs;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      await this.requestFlush(true).catch(() => undefined);
      // Everything is published already: only the close is left to announce.
      if (!this.failure) await this.publishFinal([]);
    } else {
      await this.tail;
    }
    if (this.failure) throw this.failure;
    return this.stats;
  }

  async handOver(): Promise<LogHandOver> {
    if (this.closing) throw new Error(`The log writer of run ${this.runId} is closed`);
    this.closing = true;
    this.closeDeadline = Date.now() + this.closeTimeoutMs;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // After the flushes already queued, everything is sealed; all but the last append's worth is
    // stored as usual (a caller's transaction should not carry megabytes).
    const storing = this.tail.then(() => this.runFlush(true, this.maxChunksPerAppend));
    this.tail = storing.catch(() => undefined);
    await this.tail;
    const chunks = this.sealed.splice(0);
    const sizes = this.sealedSizes.splice(0);
    const bytes = sizes.reduce((sum, size) => sum + size, 0);
    this.sealedBytes -= bytes;
    let settled = false;
    const settle = () => {
      if (settled) throw new Error(`The log of run ${this.runId} was handed over already`);
      settled = true;
    };
    return {
      chunks,
      stored: async () => {
        settle();
        if (chunks.length > 0) {
          this.chunksStored += chunks.length;
          this.bytesStored += bytes;
          this.lastStoredSeq = chunks.at(-1)!.seq;
        }
        this.releaseWriters();
        // A writer whose own stores failed for good does not announce a close (as close() does not).
        if (!this.failure) await this.publishFinal(chunks);
        return this.stats;
      },
      notStored: async () => {
        settle();
        this.sealed.unshift(...chunks);
        this.sealedSizes.unshift(...sizes);
        this.sealedBytes += bytes;
        await this.requestFlush(true).catch(() => undefined);
        if (this.failure) throw this.failure;
        await this.publishFinal([]);
        return this.stats;
      },
    };
  }

  private async publishFinal(chunks: readonly LogChunk[]): Promise<void> {
    if (!this.redis || this.redis.status !== 'ready') {
      if (chunks.length > 0) this.batchesNotPublished += 1;
      return;
    }
    try {
      await withTimeout(
        publishFinalChunks(this.redis, this.runId, chunks, this.lastStoredSeq ?? -1, {
          maxLen: this.options.streamMaxLen,
          closedTtlSeconds: this.options.closedStreamTtlSeconds,
        }),
        this.redisTimeoutMs,
        `Redis did not answer within ${this.redisTimeoutMs} ms`,
      );
    } catch (error) {
      if (chunks.length > 0) this.batchesNotPublished += 1;
      this.options.onError?.(error, 'publish');
    }
  }

  private flushInBackground(sealAll: boolean): void {
    // Errors are kept in `this.failure` and reported by flush/close.
    this.requestFlush(sealAll).catch(() => undefined);
  }

  /** Queues a flush job after the running one; requests made before it starts share it. */
  private requestFlush(sealAll: boolean): Promise<void> {
    if (this.queuedJob) {
      this.queuedJob.sealAll ||= sealAll;
      return this.queuedJob.promise;
    }
    const job = { sealAll, promise: RESOLVED };
    job.promise = this.tail.then(() => {
      if (this.queuedJob === job) this.queuedJob = null;
      return this.runFlush(job.sealAll);
    });
    this.queuedJob = job;
    this.tail = job.promise.catch(() => undefined);
    return job.promise;
  }

  /** Cuts pending output into chunks with seqs. Without `sealAll` a trailing high surrogate waits. */
  private seal(sealAll: boolean): void {
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    const { chunks, rest } = cutIntoChunks(text, this.maxChunkBytes, !sealAll);
    for (const piece of chunks) {
      const size = utf8ByteLength(piece);
      this.sealed.push({ runId: this.runId, seq: this.nextSeq++, state: this.currentState, text: piece });
      this.sealedSizes.push(size);
      this.sealedBytes += size;
    }
    this.pending = rest ? [rest] : [];
    this.pendingBytes = rest ? utf8ByteLength(rest) : 0;
  }

  /** Stores sealed chunks in batches, all but the last `keep` of them. */
  private async runFlush(sealAll: boolean, keep = 0): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.failure) return;
    this.seal(sealAll);
    while (this.sealed.length > keep) {
      const batch = this.sealed.slice(0, Math.min(this.maxChunksPerAppend, this.sealed.length - keep));
      try {
        await this.persist(batch);
      } catch (error) {
        this.fail(batch[0]!.seq, error);
        throw this.failure;
      }
      this.sealed.splice(0, batch.length);
      let batchBytes = 0;
      for (const size of this.sealedSizes.splice(0, batch.length)) batchBytes += size;
      this.sealedBytes -= batchBytes;
      this.bytesStored += batchBytes;
      this.chunksStored += batch.length;
      this.lastStoredSeq = batch.at(-1)!.seq;
      if (this.unsavedBytes <= this.highWaterMarkBytes) this.releaseWriters();
      await this.publish(batch);
    }
    // Output written while this job stored its batches waits for the timer or the size trigger.
    if (this.pending.length > 0 && !this.timer && !this.closing) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flushInBackground(false);
      }, this.flushIntervalMs);
    }
  }

  private async persist(batch: readonly LogChunk[]): Promise<void> {
    let delayMs = 100;
    for (;;) {
      try {
        await this.store.append(batch);
        return;
      } catch (error) {
        this.options.onError?.(error, 'persist');
        const remaining = this.closeDeadline === null ? Number.POSITIVE_INFINITY : this.closeDeadline - Date.now();
        if (remaining <= 0) throw error;
        await sleep(Math.min(delayMs, remaining));
        delayMs = Math.min(delayMs * 2, 5_000);
      }
    }
  }

  private async publish(batch: readonly LogChunk[]): Promise<void> {
    if (!this.redis || this.redis.status !== 'ready') {
      this.batchesNotPublished += 1;
      return;
    }
    try {
      await withTimeout(
        publishStoredChunks(this.redis, batch, { maxLen: this.options.streamMaxLen, ttlSeconds: this.options.streamTtlSeconds }),
        this.redisTimeoutMs,
        `Redis did not answer within ${this.redisTimeoutMs} ms`,
      );
    } catch (error) {
      this.batchesNotPublished += 1;
      this.options.onError?.(error, 'publish');
    }
  }

  private fail(firstLostSeq: number, cause: unknown): void {
    this.failure = new LogPersistError(this.runId, firstLostSeq, cause);
    this.bytesDropped += this.unsavedBytes;
    this.sealed = [];
    this.sealedSizes = [];
    this.sealedBytes = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.releaseWriters();
  }

  private releaseWriters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
