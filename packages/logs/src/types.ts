/**
 * One piece of a run's log. A run's log is a single sequence of chunks numbered 0, 1, 2, … (`seq`),
 * each tagged with the run state it was produced in so the UI can group the log per phase.
 */
export interface LogChunk {
  readonly runId: string;
  /** Position in the run's log: 0 for the first chunk, then +1 per chunk, across all phases. */
  readonly seq: number;
  /** The run state (PREPARING, INITIALIZING, PLANNING, APPLYING, …) the text was produced in. */
  readonly state: string;
  /** UTF-8 text as produced (ANSI escapes kept), at most 64 KiB encoded, never splitting a code point. */
  readonly text: string;
}

/**
 * Persistence port for log chunks; Postgres is the source of truth for a run's log.
 * BACKEND implements it with Prisma (table keyed by (runId, seq)). `@gantry/logs/testing` exports
 * `describeLogChunkStoreContract` to prove an implementation meets the rules below.
 */
export interface LogChunkStore {
  /**
   * Stores the chunks atomically (all or none, e.g. one multi-row INSERT / createMany).
   * A chunk whose (runId, seq) is already stored is skipped silently (`skipDuplicates`), so the
   * writer can retry a batch whose outcome it did not learn. Chunks may belong to one run only.
   */
  append(chunks: readonly LogChunk[]): Promise<void>;
  /** Chunks of `runId` with seq > afterSeq, ascending by seq, at most `limit` of them. */
  readFrom(runId: string, afterSeq: number, limit: number): Promise<LogChunk[]>;
  /** The greatest stored seq of `runId`, or null when the run has no chunk. */
  maxSeq(runId: string): Promise<number | null>;
}

/** What the SSE route learns from the database about a run (the `isTerminal` callback). */
export interface RunStatus {
  readonly terminal: boolean;
  readonly state: string;
  /** When the run entered `state` (ISO string or Date); optional. */
  readonly at?: string | Date | null;
  readonly reason?: string | null;
}

export interface RunStateChange {
  readonly state: string;
  /** ISO 8601 timestamp, or null when unknown. */
  readonly at: string | null;
  readonly reason: string | null;
}

/** Events produced by `streamRunEvents`, in the order a client must see them. */
export type RunStreamEvent =
  | { readonly type: 'log'; readonly seq: number; readonly state: string; readonly text: string }
  | ({ readonly type: 'state' } & RunStateChange)
  | { readonly type: 'end'; readonly state: string; readonly lastSeq: number | null };
