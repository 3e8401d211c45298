// Shared pieces of this package's integration tests.
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { LogChunkStore, RunStatus, RunStreamEvent } from '../types.ts';

export const testRedisUrl = process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function connectRedis(url = testRedisUrl, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, options);
  redis.on('error', () => undefined);
  return redis;
}

export const newRunId = () => `run_${randomUUID().replaceAll('-', '')}`;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The run's status as the database would answer it; tests move it along. */
export class FakeRunStatus {
  status: RunStatus;
  constructor(state = 'PLANNING') {
    this.status = { terminal: false, state };
  }
  readonly isTerminal = async (): Promise<RunStatus> => this.status;
}

/** Wraps a store to count reads and track how far reads ran ahead of the consumer. */
export function countingStore(inner: LogChunkStore) {
  const counters = { readFromCalls: 0, rowsRead: 0 };
  const store: LogChunkStore = {
    append: (chunks) => inner.append(chunks),
    maxSeq: (runId) => inner.maxSeq(runId),
    readFrom: async (runId, afterSeq, limit) => {
      counters.readFromCalls += 1;
      const rows = await inner.readFrom(runId, afterSeq, limit);
      counters.rowsRead += rows.length;
      return rows;
    },
  };
  return { store, counters };
}

export type LogEvent = Extract<RunStreamEvent, { type: 'log' }>;

export async function collect(events: AsyncIterable<RunStreamEvent>, onEvent?: (e: RunStreamEvent) => void): Promise<RunStreamEvent[]> {
  const out: RunStreamEvent[] = [];
  for await (const e of events) {
    onEvent?.(e);
    out.push(e);
  }
  return out;
}

export const logsOf = (events: RunStreamEvent[]): LogEvent[] => events.filter((e): e is LogEvent => e.type === 'log');

/** Asserts-friendly summary: seqs must be 0..n-1 exactly once in order. */
export function seqsAreComplete(logs: readonly LogEvent[], from = 0): boolean {
  return logs.every((e, i) => e.seq === from + i);
}
