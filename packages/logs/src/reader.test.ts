// The reader without Redis (store polling only): ordering, de-duplication, resume, ending, paging.
// The Redis paths are covered by reader.int.test.ts.
import { describe, expect, it } from 'vitest';
import { streamRunEvents } from './reader.ts';
import { createMemoryLogChunkStore } from './testing/memory-log-chunk-store.ts';
import type { LogChunkStore, RunStatus, RunStreamEvent } from './types.ts';
import { createRunLogWriter } from './writer.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function collect(events: AsyncIterable<RunStreamEvent>): Promise<RunStreamEvent[]> {
  const out: RunStreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function storeWith(runId: string, texts: string[]) {
  const store = createMemoryLogChunkStore();
  await store.append(texts.map((text, seq) => ({ runId, seq, state: seq < 2 ? 'PLANNING' : 'APPLYING', text })));
  return store;
}

const finished = async (): Promise<RunStatus> => ({ terminal: true, state: 'FINISHED', at: new Date('2026-01-02T03:04:05Z'), reason: 'applied' });

describe('streamRunEvents without Redis', () => {
  it('serves a finished run from the store: state, every chunk, end', async () => {
    const store = await storeWith('run1', ['a', 'b', 'c', 'd']);
    const events = await collect(streamRunEvents({ store, runId: 'run1', isTerminal: finished }));
    expect(events).toEqual([
      { type: 'state', state: 'FINISHED', at: '2026-01-02T03:04:05.000Z', reason: 'applied' },
      { type: 'log', seq: 0, state: 'PLANNING', text: 'a' },
      { type: 'log', seq: 1, state: 'PLANNING', text: 'b' },
      { type: 'log', seq: 2, state: 'APPLYING', text: 'c' },
      { type: 'log', seq: 3, state: 'APPLYING', text: 'd' },
      { type: 'end', state: 'FINISHED', lastSeq: 3 },
    ]);
  });

  it('resumes after afterSeq (Last-Event-ID)', async () => {
    const store = await storeWith('run2', ['a', 'b', 'c', 'd']);
    const events = await collect(streamRunEvents({ store, runId: 'run2', afterSeq: 1, isTerminal: finished }));
    expect(events.filter((e) => e.type === 'log').map((e) => e.seq)).toEqual([2, 3]);
    expect(events.at(-1)).toEqual({ type: 'end', state: 'FINISHED', lastSeq: 3 });
  });

  it('ends with lastSeq null for a run without output', async () => {
    const events = await collect(streamRunEvents({ store: createMemoryLogChunkStore(), runId: 'empty', isTerminal: finished }));
    expect(events.at(-1)).toEqual({ type: 'end', state: 'FINISHED', lastSeq: null });
  });

  it('emits each seq once and in order even when the store returns overlapping pages', async () => {
    const inner = await storeWith('run3', Array.from({ length: 20 }, (_, i) => `t${i}`));
    // A sloppy store that also returns the two chunks before afterSeq.
    const store: LogChunkStore = { ...inner, readFrom: (runId, afterSeq, limit) => inner.readFrom(runId, Math.max(-1, afterSeq - 2), limit) };
    const events = await collect(streamRunEvents({ store, runId: 'run3', isTerminal: finished, pageSize: 5 }));
    expect(events.filter((e) => e.type === 'log').map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('reads in pages of pageSize (bounded memory)', async () => {
    const inner = await storeWith('run4', Array.from({ length: 50 }, (_, i) => `t${i}`));
    const limits: number[] = [];
    let fetched = 0;
    let consumed = 0;
    let maxAhead = 0;
    const store: LogChunkStore = {
      ...inner,
      readFrom: async (runId, afterSeq, limit) => {
        limits.push(limit);
        const page = await inner.readFrom(runId, afterSeq, limit);
        fetched += page.length;
        maxAhead = Math.max(maxAhead, fetched - consumed);
        return page;
      },
    };
    for await (const e of streamRunEvents({ store, runId: 'run4', isTerminal: finished, pageSize: 8 })) {
      if (e.type === 'log') consumed += 1;
    }
    expect(consumed).toBe(50);
    expect(new Set(limits)).toEqual(new Set([8]));
    expect(maxAhead).toBeLessThanOrEqual(8);
  });

  it('follows a live run by polling the store and ends once it is terminal', async () => {
    const store = createMemoryLogChunkStore();
    let status: RunStatus = { terminal: false, state: 'PLANNING' };
    const reader = collect(streamRunEvents({ store, runId: 'run5', isTerminal: async () => status, degradedPollIntervalMs: 10 }));
    const writer = await createRunLogWriter({ store, runId: 'run5', state: 'PLANNING', flushIntervalMs: 5 });
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      lines.push(`line ${i}\n`);
      await writer.write(lines.at(-1)!);
      if (i === 20) {
        status = { terminal: false, state: 'APPLYING', at: '2026-01-01T00:00:00.000Z', reason: 'confirmed' };
        writer.setState('APPLYING');
      }
      await sleep(2);
    }
    await writer.close();
    status = { terminal: true, state: 'FINISHED' };
    const events = await reader;
    const logs = events.filter((e): e is Extract<RunStreamEvent, { type: 'log' }> => e.type === 'log');
    expect(logs.map((e) => e.seq)).toEqual(logs.map((_, i) => i));
    expect(logs.map((e) => e.text).join('')).toBe(lines.join(''));
    expect(events.filter((e) => e.type === 'state').map((e) => (e as { state: string }).state)).toEqual(['PLANNING', 'APPLYING', 'FINISHED']);
    expect(events.at(-1)).toEqual({ type: 'end', state: 'FINISHED', lastSeq: logs.length - 1 });
  });

  it('stops promptly when the signal aborts while it waits', async () => {
    const controller = new AbortController();
    const events = streamRunEvents({
      store: createMemoryLogChunkStore(),
      runId: 'run6',
      isTerminal: async () => ({ terminal: false, state: 'PLANNING' }),
      signal: controller.signal,
      degradedPollIntervalMs: 60_000,
    });
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const got = await collect(events);
    expect(got).toEqual([{ type: 'state', state: 'PLANNING', at: null, reason: null }]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops promptly when the consumer leaves the loop', async () => {
    const iterator = streamRunEvents({
      store: createMemoryLogChunkStore(),
      runId: 'run7',
      isTerminal: async () => ({ terminal: false, state: 'PLANNING' }),
      degradedPollIntervalMs: 60_000,
    })[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'state' });
    const pending = iterator.next(); // waits for output that never comes
    const started = Date.now();
    await iterator.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects invalid options at once', () => {
    const store = createMemoryLogChunkStore();
    expect(() => streamRunEvents({ store, runId: '', isTerminal: finished })).toThrow(/runId/);
    expect(() => streamRunEvents({ store, runId: 'r', afterSeq: -2, isTerminal: finished })).toThrow(/afterSeq/);
    expect(() => streamRunEvents({ store, runId: 'r', isTerminal: finished, pageSize: 0 })).toThrow(/pageSize/);
    expect(() => streamRunEvents({ store: {} as LogChunkStore, runId: 'r', isTerminal: finished })).toThrow(/store/);
    expect(() => streamRunEvents({ store, runId: 'r', isTerminal: 5 as unknown as () => Promise<RunStatus> })).toThrow(/isTerminal/);
  });
});

