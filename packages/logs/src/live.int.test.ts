// Writer → Postgres + Redis → reader, against the real services.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRunEventsChannel, runEventsChannel, runLogStreamKey } from './keys.ts';
import { streamRunEvents } from './reader.ts';
import { publishRunEvent, streamAccountRunEvents, subscribeRunEvents, type RunStateEvent } from './run-events.ts';
import { parseLastEventId } from './sse.ts';
import { toSseResponseStream } from './sse-response.ts';
import {
  collect,
  connectRedis,
  countingStore,
  FakeRunStatus,
  logsOf,
  newRunId,
  seqsAreComplete,
  sleep,
  type LogEvent,
} from './testing/int-helpers.ts';
import { createPgLogChunkStore, createTestDatabase, type PgLogChunkStore } from './testing/pg-log-chunk-store.ts';
import type { LogChunkStore, RunStreamEvent } from './types.ts';
import { createRunLogWriter } from './writer.ts';

const ACCOUNT = 'acct_logs_test';

let redis: Redis;
let workerRedis: Redis;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let store: PgLogChunkStore;

beforeAll(async () => {
  redis = connectRedis();
  workerRedis = connectRedis();
  await Promise.all([redis.ping(), workerRedis.ping()]);
  db = await createTestDatabase();
  store = await createPgLogChunkStore(db.pool);
});

afterAll(async () => {
  await Promise.all([redis?.quit(), workerRedis?.quit()]);
  await db?.drop();
});

async function finishRun(runId: string, status: FakeRunStatus, state = 'FINISHED') {
  status.status = { terminal: true, state, at: new Date(), reason: null };
  await publishRunEvent(workerRedis, { runId, accountId: ACCOUNT, state, at: new Date(), reason: null });
}

async function numSub(channel: string): Promise<number> {
  const reply = (await redis.pubsub('NUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

/** Waits until a reader listens on the run's channel. */
async function subscribed(runId: string) {
  for (let i = 0; i < 250 && (await numSub(runEventsChannel(runId))) === 0; i++) await sleep(20);
  expect(await numSub(runEventsChannel(runId))).toBeGreaterThan(0);
}

/** Subscribers go away asynchronously (the shared connection closes); wait up to a second. */
async function subscribersAfterCleanup(channel: string): Promise<number> {
  for (let i = 0; i < 50 && (await numSub(channel)) > 0; i++) await sleep(20);
  return numSub(channel);
}

describe('live tail', () => {
  it('receives chunks as they are written, from Redis, and ends on the terminal event', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('PLANNING');
    const { store: readerStore, counters } = countingStore(store);
    const received: Array<{ at: number; event: LogEvent }> = [];
    const reader = collect(streamRunEvents({ redis, store: readerStore, runId, isTerminal: status.isTerminal, pollIntervalMs: 10_000 }), (e) => {
      if (e.type === 'log') received.push({ at: Date.now(), event: e });
    });
    await subscribed(runId);

    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'PLANNING', flushIntervalMs: 20 });
    const written: Array<{ at: number; text: string }> = [];
    for (let i = 0; i < 30; i++) {
      const text = `\u001b[32m+\u001b[0m resource ${i} 🚀\n`;
      written.push({ at: Date.now(), text });
      await writer.write(text);
      await sleep(25);
    }
    await writer.close();
    const finishedAt = Date.now();
    await finishRun(runId, status);
    const events = await reader;
    const endedAfterMs = Date.now() - finishedAt;

    const logs = logsOf(events);
    expect(seqsAreComplete(logs)).toBe(true);
    expect(logs.map((e) => e.text).join('')).toBe(written.map((w) => w.text).join(''));
    expect(events.at(-1)).toEqual({ type: 'end', state: 'FINISHED', lastSeq: logs.length - 1 });
    // Most chunks arrived separately, i.e. while the run was being written, not all at the end.
    expect(logs.length).toBeGreaterThan(10);
    // Live data came through Redis: only the initial read(s) and the final drain hit Postgres.
    expect(counters.readFromCalls).toBeLessThanOrEqual(4);
    // The terminal event arrived by pub/sub, long before the 10 s safety poll.
    expect(endedAfterMs).toBeLessThan(1_000);
    // Latency from write to delivery for each line.
    let offset = 0;
    const latencies: number[] = [];
    for (const { at, event } of received) {
      const firstLine = written.findIndex((w, i) => i >= offset && event.text.startsWith(w.text));
      latencies.push(at - written[firstLine]!.at);
      offset = firstLine + 1;
    }
    latencies.sort((a, b) => a - b);
    console.log(`live tail latency: p50 ${latencies[latencies.length >> 1]} ms, max ${latencies.at(-1)} ms over ${latencies.length} chunks`);
    expect(latencies.at(-1)!).toBeLessThan(500);
    expect(await subscribersAfterCleanup(runEventsChannel(runId))).toBe(0);
  });

  it('a handed-over end, stored by the caller, reaches live readers from Redis with the close, before the terminal state', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('APPLYING');
    const { store: readerStore, counters } = countingStore(store);
    const reader = collect(streamRunEvents({ redis, store: readerStore, runId, isTerminal: status.isTerminal, pollIntervalMs: 10_000, writerGraceMs: 5_000 }));
    await subscribed(runId);
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'APPLYING', flushIntervalMs: 10_000 });
    await writer.write('first line\n');
    await writer.flush();
    await writer.write('Apply complete! Resources: 50 added\n');
    const handOver = await writer.handOver();
    expect(handOver.chunks.map((c) => c.seq)).toEqual([1]);
    // The caller's transaction stores the end; then the writer publishes it and its close, then the state.
    await store.append(handOver.chunks);
    const readsBefore = counters.readFromCalls;
    await handOver.stored();
    await finishRun(runId, status);
    const events = await reader;
    expect(events.filter((e) => e.type !== 'state' || e.state === 'FINISHED').map((e) => (e.type === 'log' ? e.text : e.type === 'state' ? e.state : e.type))).toEqual([
      'first line\n',
      'Apply complete! Resources: 50 added\n',
      'FINISHED',
      'end',
    ]);
    // The last line came from the stream (pub/sub); the store was read once more at most, for the final drain.
    expect(counters.readFromCalls - readsBefore).toBeLessThanOrEqual(1);
    // The close shortened the stream's TTL (24 h while written, 5 min once closed).
    expect(await redis.ttl(runLogStreamKey(runId))).toBeLessThanOrEqual(300);
  });

  it('gives readers that connect mid-run every chunk once, with no gap', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('APPLYING');
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'APPLYING', flushIntervalMs: 5 });
    let full = '';
    const readers: Array<Promise<RunStreamEvent[]>> = [];
    for (let i = 0; i < 600; i++) {
      const line = `aws_instance.web[${i}]: Still creating... [${i}s elapsed]\n`;
      full += line;
      await writer.write(line);
      if (i % 60 === 30) readers.push(collect(streamRunEvents({ redis, store, runId, isTerminal: status.isTerminal, pollIntervalMs: 10_000 })));
      if (i % 3 === 0) await sleep(1);
    }
    await writer.close();
    await finishRun(runId, status);
    const results = await Promise.all(readers);
    expect(results).toHaveLength(10);
    for (const events of results) {
      const logs = logsOf(events);
      expect(seqsAreComplete(logs)).toBe(true);
      expect(logs.map((e) => e.text).join('')).toBe(full);
      expect(events.at(-1)).toMatchObject({ type: 'end', state: 'FINISHED' });
    }
  });

  it('does not miss a chunk stored while the reader reads the store (subscribes first)', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('PLANNING');
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'PLANNING' });
    await writer.write('stored before\n');
    await writer.flush();
    let raced = false;
    const racingStore: LogChunkStore = {
      ...store,
      readFrom: async (id, afterSeq, limit) => {
        const rows = await store.readFrom(id, afterSeq, limit);
        if (!raced) {
          // After the reader's snapshot, before it sees the result: a batch is stored and announced.
          raced = true;
          await writer.write('stored during the read\n');
          await writer.flush();
        }
        return rows;
      },
    };
    let liveText = '';
    const reader = collect(streamRunEvents({ redis, store: racingStore, runId, isTerminal: status.isTerminal, pollIntervalMs: 10_000 }), (e) => {
      if (e.type === 'log') liveText += e.text;
    });
    for (let i = 0; i < 50 && !liveText.includes('during'); i++) await sleep(20);
    expect(liveText).toBe('stored before\nstored during the read\n');
    await writer.close();
    await finishRun(runId, status);
    expect(logsOf(await reader).map((e) => e.seq)).toEqual([0, 1]);
  });

  it('waits for the last output of a writer that closes after the run turned terminal', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('APPLYING');
    const reader = collect(streamRunEvents({ redis, store, runId, isTerminal: status.isTerminal, pollIntervalMs: 10_000 }));
    await subscribed(runId);
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'APPLYING', flushIntervalMs: 60_000 });
    await writer.write('Applying...\n');
    await writer.flush();
    await writer.write('Apply complete! Resources: 1 added.\n'); // still buffered
    await finishRun(runId, status); // the worker reports FINISHED first …
    await sleep(200);
    await writer.close(); // … and closes its log afterwards
    const events = await reader;
    expect(logsOf(events).map((e) => e.text).join('')).toBe('Applying...\nApply complete! Resources: 1 added.\n');
    expect(events.at(-1)).toEqual({ type: 'end', state: 'FINISHED', lastSeq: 1 });
  });

  it('does not wait for writers that already closed', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('APPLYING');
    const reader = collect(streamRunEvents({ redis, store, runId, isTerminal: status.isTerminal, pollIntervalMs: 10_000, writerGraceMs: 5_000 }));
    await subscribed(runId);
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'APPLYING' });
    await writer.write('done\n');
    await writer.close();
    const finishedAt = Date.now();
    await finishRun(runId, status);
    await reader;
    expect(Date.now() - finishedAt).toBeLessThan(1_000);
  });

  it('fills a gap in the Redis stream from the store (a batch the writer could not publish)', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('PLANNING');
    let liveText = '';
    const reader = collect(streamRunEvents({ redis, store, runId, isTerminal: status.isTerminal, pollIntervalMs: 10_000 }), (e) => {
      if (e.type === 'log') liveText += e.text;
    });
    await sleep(50);
    const flakyRedis = connectRedis();
    await flakyRedis.ping();
    const writer = await createRunLogWriter({ redis: flakyRedis, store, runId, state: 'PLANNING' });
    await writer.write('a: published\n');
    await writer.flush();
    // The worker loses its Redis connection for one batch.
    const closed = new Promise((resolve) => flakyRedis.once('end', resolve));
    flakyRedis.disconnect();
    await closed;
    await writer.write('b: stored only\n');
    await writer.flush();
    await flakyRedis.connect();
    await writer.write('c: published again\n');
    await writer.flush();
    for (let i = 0; i < 50 && !liveText.includes('c:'); i++) await sleep(20);
    // Seen live, in order, long before the safety poll: the reader read the gap from Postgres.
    expect(liveText).toBe('a: published\nb: stored only\nc: published again\n');
    expect(writer.stats.batchesNotPublished).toBe(1);
    await writer.close();
    await flakyRedis.quit();
    await finishRun(runId, status);
    expect(logsOf(await reader).map((e) => e.seq)).toEqual([0, 1, 2]);
  });

  it('resumes from Last-Event-ID without repeating or skipping', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('PLANNING');
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'PLANNING', flushIntervalMs: 5 });
    const writing = (async () => {
      for (let i = 0; i < 200; i++) {
        await writer.write(`line ${i}\n`);
        await sleep(2);
      }
      await writer.close();
    })();

    // First connection: read until seq 10, then the client goes away.
    const first: LogEvent[] = [];
    for await (const e of streamRunEvents({ redis, store, runId, isTerminal: status.isTerminal })) {
      if (e.type === 'log') first.push(e);
      if (first.length > 0 && first.at(-1)!.seq >= 10) break;
    }
    expect(await subscribersAfterCleanup(runEventsChannel(runId))).toBe(0);

    // The browser reconnects with Last-Event-ID: <last seq>.
    const lastEventId = parseLastEventId(String(first.at(-1)!.seq));
    const second = collect(streamRunEvents({ redis, store, runId, afterSeq: lastEventId, isTerminal: status.isTerminal }));
    await writing;
    await finishRun(runId, status);
    const rest = logsOf(await second);
    const all = [...first, ...rest];
    expect(seqsAreComplete(all)).toBe(true);
    expect(all.map((e) => e.text).join('')).toBe(Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join(''));
  });

  it('serves a finished run from Postgres alone, after Redis lost the stream', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('PLANNING');
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'PLANNING' });
    for (let i = 0; i < 100; i++) await writer.write(`plan line ${i}\n`);
    writer.setState('APPLYING');
    for (let i = 0; i < 100; i++) await writer.write(`apply line ${i}\n`);
    await writer.close();
    await finishRun(runId, status);
    await redis.del(runLogStreamKey(runId));

    // A Redis client that cannot connect proves Redis is not needed for a finished run.
    const deadRedis = connectRedis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const events = await collect(streamRunEvents({ redis: deadRedis, store, runId, isTerminal: status.isTerminal }));
    deadRedis.disconnect();
    const logs = logsOf(events);
    expect(seqsAreComplete(logs)).toBe(true);
    const text = logs.map((e) => e.text).join('');
    expect(text).toBe(
      Array.from({ length: 100 }, (_, i) => `plan line ${i}\n`).join('') + Array.from({ length: 100 }, (_, i) => `apply line ${i}\n`).join(''),
    );
    expect(logs.filter((e) => e.state === 'PLANNING').map((e) => e.text).join('')).toContain('plan line 99\n');
    expect(events[0]).toMatchObject({ type: 'state', state: 'FINISHED' });
    expect(events.at(-1)).toEqual({ type: 'end', state: 'FINISHED', lastSeq: logs.at(-1)!.seq });
  });

  it('keeps unicode and ANSI byte-identical across chunk and write boundaries', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('PLANNING');
    const pieces = ['\u001b[1;31mError:\u001b[0m ', 'ünïcödé ', '日本語テキスト ', '🚀👩‍👩‍👧🏳️‍🌈 ', '\u{1F9EA}\r\n', '\t\u001b[2K\r', 'Ω≈ç√∫ '];
    let full = '';
    for (let i = 0; i < 3000; i++) full += pieces[(i * 7) % pieces.length];
    const reader = collect(streamRunEvents({ redis, store, runId, isTerminal: status.isTerminal }));
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'PLANNING', maxChunkBytes: 64, flushIntervalMs: 5 });
    // Odd-sized writes split surrogate pairs and escape sequences between writes.
    for (let pos = 0, n = 1; pos < full.length; pos += n, n = (n * 5 + 3) % 37 || 1) {
      await writer.write(full.slice(pos, pos + n));
      if (pos % 500 < 37) await sleep(2);
    }
    await writer.close();
    await finishRun(runId, status);
    const live = logsOf(await reader);
    expect(live.map((e) => e.text).join('')).toBe(full);
    expect(seqsAreComplete(live)).toBe(true);
    for (const e of live) expect(Buffer.byteLength(e.text)).toBeLessThanOrEqual(64);
    const stored = logsOf(await collect(streamRunEvents({ store, runId, isTerminal: status.isTerminal })));
    expect(Buffer.from(stored.map((e) => e.text).join(''))).toEqual(Buffer.from(full));
  });

  it('numbers phases written by different workers as one log and reports state changes', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('PLANNING');
    const reader = collect(streamRunEvents({ redis, store, runId, isTerminal: status.isTerminal, pollIntervalMs: 10_000 }));
    await subscribed(runId);
    const plan = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'PLANNING' });
    await plan.write('Plan: 1 to add\n');
    await plan.close();
    status.status = { terminal: false, state: 'UNCONFIRMED', at: '2026-11-25T10:00:00Z' };
    await publishRunEvent(workerRedis, { runId, accountId: ACCOUNT, state: 'UNCONFIRMED', at: '2026-11-25T10:00:00Z' });
    // Apply runs on another worker with its own connection.
    const otherWorker = connectRedis();
    const apply = await createRunLogWriter({ redis: otherWorker, store, runId, state: 'APPLYING' });
    // The database and the event agree; whichever the reader sees first is emitted, once.
    status.status = { terminal: false, state: 'APPLYING', at: '2026-11-25T10:01:00Z', reason: 'confirmed by ada' };
    await publishRunEvent(workerRedis, { runId, accountId: ACCOUNT, state: 'APPLYING', at: '2026-11-25T10:01:00Z', reason: 'confirmed by ada' });
    await apply.write('Apply complete!\n');
    await apply.close();
    await otherWorker.quit();
    await finishRun(runId, status);
    const events = await reader;
    expect(events.map((e) => (e.type === 'log' ? `log ${e.seq} ${e.state} ${e.text.trim()}` : `${e.type} ${e.state}`))).toEqual([
      'state PLANNING',
      'log 0 PLANNING Plan: 1 to add',
      'state UNCONFIRMED',
      'state APPLYING',
      'log 1 APPLYING Apply complete!',
      'state FINISHED',
      'end FINISHED',
    ]);
    expect(events.find((e) => e.type === 'state' && e.state === 'APPLYING')).toEqual({
      type: 'state',
      state: 'APPLYING',
      at: '2026-11-25T10:01:00Z',
      reason: 'confirmed by ada',
    });
  });
});

describe('run events', () => {
  it('delivers state changes on the run channel and the account channel', async () => {
    const runId = newRunId();
    const accountId = `acct_${newRunId()}`;
    const onRun: RunStateEvent[] = [];
    const onAccount: RunStateEvent[] = [];
    const runSub = await subscribeRunEvents(redis, { runId }, (e) => onRun.push(e));
    const accountSub = await subscribeRunEvents(redis, { accountId }, (e) => onAccount.push(e));
    await publishRunEvent(workerRedis, { runId, accountId, stackId: 'stack_1', state: 'QUEUED', at: new Date('2026-11-25T09:00:00Z'), reason: 'waiting for lock' });
    await publishRunEvent(workerRedis, { runId: newRunId(), accountId, state: 'READY', at: '2026-11-25T09:00:01Z', reason: null });
    await sleep(100);
    runSub.unsubscribe();
    accountSub.unsubscribe();
    const expected = { type: 'state', runId, accountId, stackId: 'stack_1', state: 'QUEUED', at: '2026-11-25T09:00:00.000Z', reason: 'waiting for lock' };
    expect(onRun).toEqual([expected]);
    expect(onAccount.map((e) => e.state)).toEqual(['QUEUED', 'READY']);
    expect(onAccount[0]).toEqual(expected);
  });

  it('streams an account\'s run events as an async iterable and unsubscribes when the consumer leaves', async () => {
    const accountId = `acct_${newRunId()}`;
    const runIds = [newRunId(), newRunId()];
    const got: RunStateEvent[] = [];
    const consuming = (async () => {
      for await (const e of streamAccountRunEvents({ redis, accountId })) {
        got.push(e);
        if (got.length === 2) break;
      }
    })();
    const channel = accountRunEventsChannel(accountId);
    for (let i = 0; i < 100 && (await numSub(channel)) === 0; i++) await sleep(20);
    await publishRunEvent(workerRedis, { runId: runIds[0]!, accountId, state: 'PLANNING', at: new Date() });
    await publishRunEvent(workerRedis, { runId: runIds[1]!, accountId, state: 'FAILED', at: new Date(), reason: 'worker lost during apply' });
    await consuming;
    expect(got.map((e) => [e.runId, e.state, e.reason])).toEqual([
      [runIds[0], 'PLANNING', null],
      [runIds[1], 'FAILED', 'worker lost during apply'],
    ]);
    expect(await subscribersAfterCleanup(channel)).toBe(0);
  });

  it('rejects invalid events with a clear error', async () => {
    await expect(publishRunEvent(redis, { runId: 'r 1', accountId: 'a', state: 'QUEUED', at: new Date() })).rejects.toThrow(/runId/);
    await expect(publishRunEvent(redis, { runId: 'r1', accountId: 'a', state: 'QUEUED', at: 'yesterday' })).rejects.toThrow(/at/);
  });
});

describe('SSE response stream', () => {
  it('streams a live run as SSE and drops the Redis subscription when the client disconnects', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('PLANNING');
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'PLANNING', flushIntervalMs: 5 });
    await writer.write('first line\n');
    await writer.flush();
    const request = new AbortController();
    const body = toSseResponseStream(streamRunEvents({ redis, store, runId, isTerminal: status.isTerminal, signal: request.signal }), request.signal);
    const reader = body.getReader();
    let text = '';
    while (!text.includes('second line')) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      if (text.includes('first line')) await writer.write('second line\n');
    }
    expect(text).toContain('event: state\ndata: {"state":"PLANNING","at":null,"reason":null}\n\n');
    expect(text).toContain('event: log\nid: 0\ndata: {"seq":0,"state":"PLANNING","text":"first line\\n"}\n\n');
    expect(await numSub(runEventsChannel(runId))).toBe(1);
    await reader.cancel(); // the browser tab closed
    expect(await subscribersAfterCleanup(runEventsChannel(runId))).toBe(0);
    await writer.close();
  });
});
