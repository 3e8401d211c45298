import { describe, expect, it } from 'vitest';
import { streamRunEvents } from './reader.ts';
import { toSseResponseStream } from './sse-response.ts';
import { createMemoryLogChunkStore } from './testing/memory-log-chunk-store.ts';
import { parseSse } from './testing/sse-parser.ts';
import type { RunStreamEvent } from './types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

async function* events(list: RunStreamEvent[]): AsyncGenerator<RunStreamEvent> {
  yield* list;
}

describe('toSseResponseStream', () => {
  it('writes the contract wire format and closes after the last event', async () => {
    const text = await readText(
      toSseResponseStream(
        events([
          { type: 'state', state: 'PLANNING', at: '2026-01-01T00:00:00.000Z', reason: null },
          { type: 'log', seq: 0, state: 'PLANNING', text: '\u001b[1mPlan\u001b[0m 🚀\nline 2\n' },
          { type: 'end', state: 'FINISHED', lastSeq: 0 },
        ]),
        undefined,
        { retryMs: 2000 },
      ),
    );
    expect(text.startsWith('retry: 2000\n\n')).toBe(true);
    expect(parseSse(text)).toEqual([
      { event: 'state', id: null, data: '{"state":"PLANNING","at":"2026-01-01T00:00:00.000Z","reason":null}' },
      { event: 'log', id: '0', data: JSON.stringify({ seq: 0, state: 'PLANNING', text: '\u001b[1mPlan\u001b[0m 🚀\nline 2\n' }) },
      // The browser's lastEventId stays the last id sent.
      { event: 'end', id: '0', data: '{"state":"FINISHED","lastSeq":0}' },
    ]);
  });

  it('sends heartbeat comments while the source is idle', async () => {
    async function* slow(): AsyncGenerator<RunStreamEvent> {
      await sleep(130);
      yield { type: 'end', state: 'FINISHED', lastSeq: null };
    }
    const text = await readText(toSseResponseStream(slow(), undefined, { heartbeatMs: 30 }));
    expect(text.match(/^: heartbeat\n\n/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(parseSse(text)).toEqual([{ event: 'end', id: null, data: '{"state":"FINISHED","lastSeq":null}' }]);
  });

  it('stops the run stream when the client disconnects', async () => {
    let statusReads = 0;
    const runEvents = streamRunEvents({
      store: createMemoryLogChunkStore(),
      runId: 'live',
      isTerminal: async () => {
        statusReads += 1;
        return { terminal: false, state: 'PLANNING' };
      },
      degradedPollIntervalMs: 20,
    });
    const reader = toSseResponseStream(runEvents).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('event: state');
    await sleep(100);
    await reader.cancel();
    await sleep(50);
    const readsAfterCancel = statusReads;
    await sleep(100);
    // Polling stopped: the generator ran its cleanup.
    expect(statusReads).toBe(readsAfterCancel);
  });

  it('closes the stream when the request signal aborts', async () => {
    const controller = new AbortController();
    async function* never(): AsyncGenerator<RunStreamEvent> {
      await new Promise(() => undefined);
    }
    const stream = toSseResponseStream(never(), controller.signal);
    setTimeout(() => controller.abort(), 30);
    await expect(readText(stream)).resolves.toBe('');
  });

  it('errors the stream when the source throws, so the client reconnects', async () => {
    async function* failing(): AsyncGenerator<RunStreamEvent> {
      yield { type: 'state', state: 'PLANNING', at: null, reason: null };
      throw new Error('database gone');
    }
    const seen: unknown[] = [];
    const stream = toSseResponseStream(failing(), undefined, { onError: (e) => seen.push(e) });
    await expect(readText(stream)).rejects.toThrow('database gone');
    expect(seen).toHaveLength(1);
  });
});
