import { describe, expect, it } from 'vitest';
import { MAX_CHUNK_BYTES } from './chunking.ts';
import { createMemoryLogChunkStore } from './testing/memory-log-chunk-store.ts';
import type { LogChunk, LogChunkStore } from './types.ts';
import { createRunLogWriter, LogPersistError } from './writer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readAll(store: LogChunkStore, runId: string): Promise<LogChunk[]> {
  const out: LogChunk[] = [];
  let after = -1;
  for (;;) {
    const page = await store.readFrom(runId, after, 500);
    if (page.length === 0) return out;
    out.push(...page);
    after = page.at(-1)!.seq;
  }
}

/** A store whose appends can be held back or made to fail, to observe the writer's behaviour. */
function controllableStore() {
  const inner = createMemoryLogChunkStore();
  const appended: LogChunk[][] = [];
  let failures = 0;
  let gate: Promise<void> | null = null;
  let openGate = () => {};
  const store: LogChunkStore = {
    async append(chunks) {
      if (gate) await gate;
      if (failures > 0) {
        failures -= 1;
        throw new Error('database unavailable');
      }
      appended.push([...chunks]);
      await inner.append(chunks);
    },
    readFrom: (runId, afterSeq, limit) => inner.readFrom(runId, afterSeq, limit),
    maxSeq: (runId) => inner.maxSeq(runId),
  };
  return {
    store,
    appended,
    failNext(n: number) {
      failures = n;
    },
    hold() {
      gate = new Promise((resolve) => (openGate = resolve));
    },
    release() {
      gate = null;
      openGate();
    },
  };
}

describe('createRunLogWriter', () => {
  it('stores small writes together after the flush interval', async () => {
    const { store, appended } = controllableStore();
    const writer = await createRunLogWriter({ store, runId: 'r1', state: 'PLANNING', flushIntervalMs: 40 });
    await writer.write('a\n');
    await writer.write('b\n');
    await writer.write('c\n');
    expect(appended).toHaveLength(0);
    await sleep(120);
    expect(appended).toEqual([[{ runId: 'r1', seq: 0, state: 'PLANNING', text: 'a\nb\nc\n' }]]);
    await writer.close();
  });

  it('stores at once when the buffer reaches flushBytes, in chunks of at most 64 KiB', async () => {
    const { store, appended } = controllableStore();
    const writer = await createRunLogWriter({ store, runId: 'r2', state: 'APPLYING', flushIntervalMs: 10_000 });
    const big = 'é'.repeat(MAX_CHUNK_BYTES); // 128 KiB of UTF-8
    await writer.write(big);
    await sleep(20);
    const stored = appended.flat();
    expect(stored.map((c) => c.seq)).toEqual([0, 1]);
    for (const c of stored) expect(Buffer.byteLength(c.text)).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
    expect(stored.map((c) => c.text).join('')).toBe(big);
    await writer.close();
  });

  it('continues numbering after what the store already has (a phase on another worker)', async () => {
    const { store } = controllableStore();
    const plan = await createRunLogWriter({ store, runId: 'r3', state: 'PLANNING' });
    await plan.write('planning\n');
    expect((await plan.close()).lastStoredSeq).toBe(0);
    const apply = await createRunLogWriter({ store, runId: 'r3', state: 'APPLYING' });
    await apply.write('applying\n');
    await apply.close();
    expect((await readAll(store, 'r3')).map((c) => [c.seq, c.state, c.text])).toEqual([
      [0, 'PLANNING', 'planning\n'],
      [1, 'APPLYING', 'applying\n'],
    ]);
  });

  it('continues from a stored max seq the caller read already, without asking the store', async () => {
    const { store } = controllableStore();
    await store.append([0, 1, 2].map((seq) => ({ runId: 'r3b', seq, state: 'PLANNING', text: `${seq}\n` })));
    let asked = 0;
    const counting: LogChunkStore = { ...store, maxSeq: (runId) => (asked++, store.maxSeq(runId)) };
    const apply = await createRunLogWriter({ store: counting, runId: 'r3b', state: 'APPLYING', storedMaxSeq: 2 });
    await apply.write('applying\n');
    await apply.close();
    const fresh = await createRunLogWriter({ store: counting, runId: 'r3c', state: 'PLANNING', storedMaxSeq: null });
    await fresh.write('first\n');
    await fresh.close();
    expect(asked).toBe(0);
    expect((await readAll(store, 'r3b')).map((c) => c.seq)).toEqual([0, 1, 2, 3]);
    expect((await readAll(store, 'r3c')).map((c) => [c.seq, c.text])).toEqual([[0, 'first\n']]);
    await expect(createRunLogWriter({ store, runId: 'r3d', state: 'PLANNING', storedMaxSeq: -1 })).rejects.toThrow(/storedMaxSeq/);
  });

  it('tags output with the state it was written in', async () => {
    const { store } = controllableStore();
    const writer = await createRunLogWriter({ store, runId: 'r4', state: 'INITIALIZING', flushIntervalMs: 1000 });
    await writer.write('init\n');
    writer.setState('PLANNING');
    await writer.write('plan 1\n');
    await writer.write('plan 2\n');
    await writer.close();
    // Chunk boundaries depend on timing; a chunk never mixes states.
    const chunks = await readAll(store, 'r4');
    expect(chunks[0]).toMatchObject({ state: 'INITIALIZING', text: 'init\n' });
    expect(chunks.slice(1).every((c) => c.state === 'PLANNING')).toBe(true);
    expect(chunks.slice(1).map((c) => c.text).join('')).toBe('plan 1\nplan 2\n');
  });

  it('keeps a surrogate pair split across two writes together', async () => {
    const { store } = controllableStore();
    const writer = await createRunLogWriter({ store, runId: 'r5', state: 'PLANNING', flushIntervalMs: 10 });
    await writer.write('rocket \ud83d');
    await sleep(50); // the timer flushes in between
    await writer.write('\ude80 launched\n');
    await writer.close();
    const chunks = await readAll(store, 'r5');
    expect(chunks.map((c) => c.text).join('')).toBe('rocket 🚀 launched\n');
    expect(chunks[0]!.text).toBe('rocket ');
  });

  it('replaces NUL, which Postgres text cannot store', async () => {
    const { store } = controllableStore();
    const writer = await createRunLogWriter({ store, runId: 'r6', state: 'PLANNING' });
    await writer.write('a\u0000b');
    await writer.close();
    expect((await readAll(store, 'r6'))[0]!.text).toBe('a\uFFFDb');
  });

  it('retries a failing store with the same seqs and loses nothing', async () => {
    const control = controllableStore();
    const errors: string[] = [];
    const writer = await createRunLogWriter({
      store: control.store,
      runId: 'r7',
      state: 'PLANNING',
      flushIntervalMs: 5,
      onError: (e, during) => errors.push(`${during}: ${(e as Error).message}`),
    });
    control.failNext(2);
    await writer.write('one\n');
    await sleep(30);
    await writer.write('two\n');
    const stats = await writer.close();
    expect(errors).toEqual(['persist: database unavailable', 'persist: database unavailable']);
    expect((await readAll(control.store, 'r7')).map((c) => c.text).join('')).toBe('one\ntwo\n');
    expect(stats).toMatchObject({ chunksStored: 2, bytesStored: 8, bytesDropped: 0, lastStoredSeq: 1 });
  });

  it('gives up after closeTimeoutMs once closed and reports what was lost', async () => {
    const control = controllableStore();
    const writer = await createRunLogWriter({ store: control.store, runId: 'r8', state: 'PLANNING', closeTimeoutMs: 150 });
    await writer.write('kept\n');
    await writer.flush();
    control.failNext(Number.MAX_SAFE_INTEGER);
    await writer.write('lost\n');
    const error = await writer.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogPersistError);
    expect(error).toMatchObject({ runId: 'r8', firstLostSeq: 1 });
    expect((await readAll(control.store, 'r8')).map((c) => c.text)).toEqual(['kept\n']);
    expect(writer.stats.bytesDropped).toBe(5);
    expect(() => writer.write('late')).toThrow(/closed/);
  });

  it('makes write() wait once too much output is unsaved (backpressure)', async () => {
    const control = controllableStore();
    const writer = await createRunLogWriter({
      store: control.store,
      runId: 'r9',
      state: 'PLANNING',
      highWaterMarkBytes: 100,
      flushBytes: 1024,
      flushIntervalMs: 5,
    });
    control.hold();
    await writer.write('x'.repeat(60));
    let resolved = false;
    const waiting = writer.write('y'.repeat(60)).then(() => (resolved = true));
    await sleep(50);
    expect(resolved).toBe(false);
    control.release();
    await waiting;
    expect(resolved).toBe(true);
    await writer.close();
    expect((await readAll(control.store, 'r9')).map((c) => c.text).join('')).toBe('x'.repeat(60) + 'y'.repeat(60));
  });

  it('numbers chunks without gaps under many concurrent writes', async () => {
    const { store } = controllableStore();
    const writer = await createRunLogWriter({ store, runId: 'r10', state: 'PLANNING', flushIntervalMs: 1, maxChunkBytes: 64 });
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`);
    for (const [i, line] of lines.entries()) {
      void writer.write(line);
      if (i % 97 === 0) await sleep(1);
    }
    await writer.close();
    const chunks = await readAll(store, 'r10');
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    expect(chunks.map((c) => c.text).join('')).toBe(lines.join(''));
  });

  it('hands its unstored end over to the caller’s transaction; stored() counts it and closes the writer', async () => {
    const control = controllableStore();
    const writer = await createRunLogWriter({ store: control.store, runId: 'r11', state: 'PLANNING', flushIntervalMs: 10_000 });
    await writer.write('planned\n');
    await writer.flush();
    writer.setState('APPLYING');
    await writer.write('applying\n');
    await writer.write('applied\n');
    const handOver = await writer.handOver();
    // The writer stored nothing more itself: the rest is the caller's to store, numbered after it.
    expect(control.appended.flat().map((c) => c.seq)).toEqual([0]);
    expect(handOver.chunks).toEqual([{ runId: 'r11', seq: 1, state: 'APPLYING', text: 'applying\napplied\n' }]);
    expect(() => writer.write('late')).toThrow(/closed/);
    await control.store.append(handOver.chunks);
    expect(await handOver.stored()).toMatchObject({ chunksStored: 2, lastStoredSeq: 1, bytesDropped: 0 });
    await expect(handOver.notStored()).rejects.toThrow(/handed over already/);
    expect((await readAll(control.store, 'r11')).map((c) => c.text).join('')).toBe('planned\napplying\napplied\n');
  });

  it('stores the handed-over end itself when the caller could not (notStored), retrying like close', async () => {
    const control = controllableStore();
    const writer = await createRunLogWriter({ store: control.store, runId: 'r12', state: 'APPLYING', flushIntervalMs: 10_000 });
    await writer.write('last line\n');
    const handOver = await writer.handOver();
    expect(handOver.chunks.map((c) => c.text)).toEqual(['last line\n']);
    control.failNext(1);
    expect(await handOver.notStored()).toMatchObject({ chunksStored: 1, lastStoredSeq: 0 });
    expect((await readAll(control.store, 'r12')).map((c) => [c.seq, c.text])).toEqual([[0, 'last line\n']]);
  });

  it('hands over at most one append’s worth: more output is stored first, in order', async () => {
    const control = controllableStore();
    const writer = await createRunLogWriter({ store: control.store, runId: 'r13', state: 'APPLYING', flushIntervalMs: 10_000, flushBytes: 1024, maxChunkBytes: 8, maxChunksPerAppend: 3 });
    await writer.write('0123456789abcdefghijklmnopqrstuvwxyz\n'); // 37 bytes: five chunks
    const handOver = await writer.handOver();
    expect(control.appended.flat().map((c) => c.seq)).toEqual([0, 1]);
    expect(handOver.chunks.map((c) => c.seq)).toEqual([2, 3, 4]);
    await control.store.append(handOver.chunks);
    await handOver.stored();
    expect((await readAll(control.store, 'r13')).map((c) => c.text).join('')).toBe('0123456789abcdefghijklmnopqrstuvwxyz\n');
    // Nothing left: an empty hand-over.
    const empty = await createRunLogWriter({ store: control.store, runId: 'r14', state: 'APPLYING' });
    const nothing = await empty.handOver();
    expect(nothing.chunks).toEqual([]);
    expect(await nothing.stored()).toMatchObject({ chunksStored: 0, lastStoredSeq: null });
  });

  it('rejects bad options with a clear error', async () => {
    const { store } = controllableStore();
    await expect(createRunLogWriter({ store, runId: 'bad id', state: 'PLANNING' })).rejects.toThrow(/runId/);
    await expect(createRunLogWriter({ store, runId: 'r', state: 'planning' })).rejects.toThrow(/state/);
    await expect(createRunLogWriter({ store, runId: 'r', state: 'PLANNING', maxChunkBytes: 1 << 20 })).rejects.toThrow(/maxChunkBytes/);
    const writer = await createRunLogWriter({ store, runId: 'r', state: 'PLANNING' });
    expect(() => writer.setState('nope')).toThrow(/run state/);
    await writer.close();
  });
});
