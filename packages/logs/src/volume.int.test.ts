// 20 MiB through the whole pipeline: byte-identical, paged reads, and throughput numbers.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLogStreamKey } from './keys.ts';
import { streamRunEvents } from './reader.ts';
import { publishRunEvent } from './run-events.ts';
import { toSseResponseStream } from './sse-response.ts';
import { connectRedis, FakeRunStatus, newRunId } from './testing/int-helpers.ts';
import { createPgLogChunkStore, createTestDatabase, type PgLogChunkStore } from './testing/pg-log-chunk-store.ts';
import type { LogChunkStore } from './types.ts';
import { createRunLogWriter } from './writer.ts';

const TOTAL_BYTES = 20 * 1024 * 1024;
const MiB = 1024 * 1024;

let redis: Redis;
let workerRedis: Redis;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let store: PgLogChunkStore;

beforeAll(async () => {
  redis = connectRedis();
  workerRedis = connectRedis();
  db = await createTestDatabase();
  store = await createPgLogChunkStore(db.pool);
});

afterAll(async () => {
  await Promise.all([redis?.quit(), workerRedis?.quit()]);
  await db?.drop();
});

/** Deterministic output in ~4 KiB pieces (like pipe reads), with ANSI and multi-byte text. */
function* output(totalBytes: number): Generator<string> {
  let produced = 0;
  let i = 0;
  while (produced < totalBytes) {
    let piece = '';
    while (piece.length < 4000) {
      piece += `${String(i).padStart(8, '0')} \u001b[36maws_instance.web[${i % 97}]\u001b[0m: Creating… ✓ 日本 🚀 ${'x'.repeat(i % 120)}\n`;
      i++;
    }
    produced += Buffer.byteLength(piece);
    yield piece;
  }
}

const mbps = (bytes: number, ms: number) => (bytes / MiB / (ms / 1000)).toFixed(1);

describe('a 20 MiB log', () => {
  it('is written and read back byte-identical, live and after the run, in bounded pages', async () => {
    const runId = newRunId();
    const status = new FakeRunStatus('APPLYING');

    // A live reader follows the whole write.
    const liveHash = createHash('sha256');
    let liveBytes = 0;
    let liveSeq = -1;
    let liveInOrder = true;
    const live = (async () => {
      for await (const e of streamRunEvents({ redis, store, runId, isTerminal: status.isTerminal })) {
        if (e.type !== 'log') continue;
        if (e.seq !== liveSeq + 1) liveInOrder = false;
        liveSeq = e.seq;
        liveHash.update(e.text);
        liveBytes += Buffer.byteLength(e.text);
      }
    })();

    const writtenHash = createHash('sha256');
    let writtenBytes = 0;
    const writeStart = performance.now();
    const writer = await createRunLogWriter({ redis: workerRedis, store, runId, state: 'APPLYING' });
    for (const piece of output(TOTAL_BYTES)) {
      writtenHash.update(piece);
      writtenBytes += Buffer.byteLength(piece);
      await writer.write(piece);
    }
    const stats = await writer.close();
    const writeMs = performance.now() - writeStart;
    status.status = { terminal: true, state: 'FINISHED' };
    await publishRunEvent(workerRedis, { runId, accountId: 'acct_volume', state: 'FINISHED', at: new Date() });
    await live;
    const liveMs = performance.now() - writeStart;
    const expectedHash = writtenHash.digest('hex');

    expect(stats.bytesStored).toBe(writtenBytes);
    expect(stats.batchesNotPublished).toBe(0);
    expect(liveInOrder).toBe(true);
    expect(liveBytes).toBe(writtenBytes);
    expect(liveHash.digest('hex')).toBe(expectedHash);

    // After the run: Redis no longer has it; read from Postgres in pages.
    await redis.del(runLogStreamKey(runId));
    const pageSize = 64;
    let fetched = 0;
    let consumed = 0;
    let maxAhead = 0;
    const pagedStore: LogChunkStore = {
      ...store,
      readFrom: async (id, afterSeq, limit) => {
        const rows = await store.readFrom(id, afterSeq, limit);
        fetched += rows.length;
        maxAhead = Math.max(maxAhead, fetched - consumed);
        return rows;
      },
    };
    const heapBase = process.memoryUsage().heapUsed;
    let heapPeak = heapBase;
    const readHash = createHash('sha256');
    let readBytes = 0;
    const readStart = performance.now();
    for await (const e of streamRunEvents({ store: pagedStore, runId, isTerminal: status.isTerminal, pageSize })) {
      if (e.type !== 'log') continue;
      consumed += 1;
      readHash.update(e.text);
      readBytes += Buffer.byteLength(e.text);
      if (consumed % 32 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    const readMs = performance.now() - readStart;
    expect(readBytes).toBe(writtenBytes);
    expect(readHash.digest('hex')).toBe(expectedHash);
    expect(consumed).toBe(stats.chunksStored);
    expect(maxAhead).toBeLessThanOrEqual(pageSize);

    // The same read encoded as SSE, as the route handler sends it.
    const sseStart = performance.now();
    let sseBytes = 0;
    const body = toSseResponseStream(streamRunEvents({ store, runId, isTerminal: status.isTerminal }));
    for await (const part of body as unknown as AsyncIterable<Uint8Array>) sseBytes += part.byteLength;
    const sseMs = performance.now() - sseStart;
    expect(sseBytes).toBeGreaterThan(writtenBytes);

    console.log(
      [
        `20 MiB log: ${stats.chunksStored} chunks`,
        `write+store+publish ${writeMs.toFixed(0)} ms (${mbps(writtenBytes, writeMs)} MiB/s)`,
        `live reader done ${liveMs.toFixed(0)} ms after first write`,
        `read from Postgres ${readMs.toFixed(0)} ms (${mbps(readBytes, readMs)} MiB/s), max ${maxAhead} chunks buffered, heap peak +${((heapPeak - heapBase) / MiB).toFixed(1)} MiB`,
        `as SSE ${sseMs.toFixed(0)} ms (${mbps(sseBytes, sseMs)} MiB/s of SSE)`,
      ].join('\n'),
    );
  });
});
