import { describe, expect, it } from 'vitest';
import { redisModeWatcher, withStreamMode, type ModeWatcher, type StreamMode } from './run-stream-mode.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function watcher(modes: StreamMode[]): ModeWatcher & { closed: boolean; checks: number } {
  const w = {
    closed: false,
    checks: 0,
    async current() {
      const mode = modes[Math.min(w.checks, modes.length - 1)]!;
      w.checks += 1;
      return mode;
    },
    close() {
      w.closed = true;
    },
  };
  return w;
}

async function* slowly<T>(items: T[], gapMs: number, finished: { value: boolean }) {
  try {
    for (const item of items) {
      await sleep(gapMs);
      yield item;
    }
  } finally {
    finished.value = true;
  }
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('withStreamMode', () => {
  it('says the mode first, then again only when it changes while the stream waits', async () => {
    const w = watcher(['live', 'live', 'polling', 'polling', 'live']);
    const finished = { value: false };
    const out = await collect(withStreamMode(slowly(['a', 'b'], 70, finished), w, { checkMs: 10 }));
    const modes = out.filter((x) => typeof x === 'object');
    expect(out[0]).toEqual({ type: 'mode', mode: 'live' });
    expect(modes).toEqual([
      { type: 'mode', mode: 'live' },
      { type: 'mode', mode: 'polling' },
      { type: 'mode', mode: 'live' },
    ]);
    expect(out.filter((x) => typeof x === 'string')).toEqual(['a', 'b']);
    expect(w.closed).toBe(true);
  });

  it('keeps events in order and ends the source when the consumer leaves', async () => {
    const w = watcher(['polling']);
    const finished = { value: false };
    const out: unknown[] = [];
    for await (const item of withStreamMode(slowly(['a', 'b', 'c', 'd'], 5, finished), w, { checkMs: 1 })) {
      out.push(item);
      if (item === 'b') break;
    }
    expect(out.filter((x) => typeof x === 'string')).toEqual(['a', 'b']);
    expect(out[0]).toEqual({ type: 'mode', mode: 'polling' });
    await sleep(20);
    expect(finished.value).toBe(true);
    expect(w.closed).toBe(true);
  });
});

describe('redisModeWatcher', () => {
  it('is polling without Redis or while it is not connected', async () => {
    expect(await redisModeWatcher(null, 'run-1').current()).toBe('polling');
    const disconnected = { status: 'reconnecting' } as unknown as Parameters<typeof redisModeWatcher>[0];
    expect(await redisModeWatcher(disconnected, 'run-1').current()).toBe('polling');
  });
});
