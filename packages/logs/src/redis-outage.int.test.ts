// Redis crashing, restarting or never being there: the log in Postgres stays complete and live
// readers fall back to polling the store. Uses a private redis-server so the shared one is untouched.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamRunEvents } from './reader.ts';
import { publishRunEvent } from './run-events.ts';
import { collect, connectRedis, FakeRunStatus, logsOf, newRunId, seqsAreComplete, sleep, type LogEvent } from './testing/int-helpers.ts';
import { createPgLogChunkStore, createTestDatabase, type PgLogChunkStore } from './testing/pg-log-chunk-store.ts';
import { startPrivateRedis, type PrivateRedisServer } from './testing/redis-server.ts';
import { createRunLogWriter } from './writer.ts';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let store: PgLogChunkStore;
let server: PrivateRedisServer;
const clients: Redis[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  store = await createPgLogChunkStore(db.pool);
  server = await startPrivateRedis();
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server?.kill();
  await db?.drop();
});

async function storedText(runId: string): Promise<{ text: string; seqs: number[] }> {
  const rows = await store.readFrom(runId, -1, 100_000);
  return { text: rows.map((r) => r.text).join(''), seqs: rows.map((r) => r.seq) };
}

async function waitUntilReady(redis: Redis) {
  for (let i = 0; i < 200 && redis.status !== 'ready'; i++) await sleep(25);
  expect(redis.status).toBe('ready');
}

describe('Redis outages', () => {
  it('loses nothing when Redis crashes and restarts while a run is writing', async () => {
    const workerRedis = connectRedis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    const readerRedis = connectRedis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    clients.push(workerRedis, readerRedis);
    await Promise.all([workerRedis.ping(), readerRedis.ping()]);
    const runId = newRunId();
    const status = new FakeRunStatus('APPLYING');
    const received: Array<{ at: number; event: LogEvent }> = [];
    const reader = collect(
      streamRunEvents({ redis: readerRedis, store, runId, isTerminal: status.isTerminal, pollIntervalMs: 300, degradedPollIntervalMs: 100 }),
      (e) => e.type === 'log' && received.push({ at: Date.now(), event: e }),
    );
    const errors: string[] = [];
    const writer = await createRunLogWriter({
      redis: workerRedis,
      store,
      runId,
      state: 'APPLYING',
      flushIntervalMs: 10,
      redisTimeoutMs: 300,
      onError: (e, during) => errors.push(during),
    });
    let full = '';
    const writeLines = async (label: string) => {
      for (let i = 0; i < 100; i++) {
        const line = `${label} ${i}\n`;
        full += line;
        await writer.write(line);
        if (i % 10 === 0) await sleep(3);
      }
    };

    await writeLines('before');
    await writer.flush();
    await server.kill();
    const outageStart = Date.now();
    await writeLines('during');
    await writer.flush(); // must not wait for Redis
    const outageWriteMs = Date.now() - outageStart;
    await sleep(400); // the reader polls the store meanwhile
    const duringSeenLive = received.some((r) => r.event.text.includes('during 99'));
    await server.start();
    await waitUntilReady(workerRedis);
    await writeLines('after');
    const stats = await writer.close();
    status.status = { terminal: true, state: 'FINISHED' };
    await publishRunEvent(workerRedis, { runId, accountId: 'acct_outage', state: 'FINISHED', at: new Date() });
    const events = await reader;

    const stored = await storedText(runId);
    expect(stored.text).toBe(full);
    expect(stored.seqs).toEqual(stored.seqs.map((_, i) => i));
    expect(stats.bytesDropped).toBe(0);
    expect(stats.batchesNotPublished).toBeGreaterThan(0);
    expect(errors.every((d) => d === 'publish')).toBe(true);
    expect(outageWriteMs).toBeLessThan(2_000);
    expect(duringSeenLive).toBe(true);

    const logs = logsOf(events);
    expect(seqsAreComplete(logs)).toBe(true);
    expect(logs.map((e) => e.text).join('')).toBe(full);
    expect(events.at(-1)).toMatchObject({ type: 'end', state: 'FINISHED' });
  });

  it('stores and serves a run when Redis is unreachable the whole time', async () => {
    const deadUrl = 'redis://127.0.0.1:1';
    const workerRedis = connectRedis(deadUrl, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    const readerRedis = connectRedis(deadUrl, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
    clients.push(workerRedis, readerRedis);
    const runId = newRunId();
    const status = new FakeRunStatus('PLANNING');
    const started = Date.now();
    const reader = collect(
      streamRunEvents({ redis: readerRedis, store, runId, isTerminal: status.isTerminal, subscribeTimeoutMs: 200, degradedPollIntervalMs: 50 }),
    );
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'PLANNING', flushIntervalMs: 10 });
    let full = '';
    for (let i = 0; i < 300; i++) {
      full += `line ${i}\n`;
      await writer.write(`line ${i}\n`);
      if (i % 30 === 0) await sleep(5);
    }
    const stats = await writer.close();
    status.status = { terminal: true, state: 'FINISHED' };
    const events = await reader;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(stats.chunksStored).toBeGreaterThan(0);
    expect(stats.batchesNotPublished).toBeGreaterThan(0);
    expect((await storedText(runId)).text).toBe(full);
    const logs = logsOf(events);
    expect(seqsAreComplete(logs)).toBe(true);
    expect(logs.map((e) => e.text).join('')).toBe(full);
    expect(events.at(-1)).toMatchObject({ type: 'end', state: 'FINISHED' });
    await expect(publishRunEvent(workerRedis, { runId, accountId: 'acct', state: 'FINISHED', at: new Date() })).rejects.toThrow(/not connected/);
  });
});
