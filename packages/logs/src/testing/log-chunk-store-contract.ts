// Behaviour every LogChunkStore must have. BACKEND runs it against the Prisma implementation:
//   describeLogChunkStoreContract('prisma', async () => ({ store, teardown }))
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogChunk, LogChunkStore } from '../types.ts';

export interface LogChunkStoreFixture {
  readonly store: LogChunkStore;
  readonly teardown?: () => Promise<void>;
}

const chunk = (runId: string, seq: number, text = `line ${seq}\n`, state = 'PLANNING'): LogChunk => ({ runId, seq, state, text });

export function describeLogChunkStoreContract(name: string, setup: () => Promise<LogChunkStoreFixture>): void {
  describe(`LogChunkStore contract: ${name}`, () => {
    let fixture: LogChunkStoreFixture;
    beforeAll(async () => {
      fixture = await setup();
    });
    afterAll(async () => {
      await fixture?.teardown?.();
    });
    const newRun = () => `run_${randomUUID().replaceAll('-', '')}`;

    it('has no chunks and no max seq for an unknown run', async () => {
      const runId = newRun();
      expect(await fixture.store.maxSeq(runId)).toBeNull();
      expect(await fixture.store.readFrom(runId, -1, 10)).toEqual([]);
    });

    it('reads chunks after afterSeq in numeric seq order, at most limit', async () => {
      const runId = newRun();
      // Stored out of order and past 9 so that text ordering ("10" < "9") would show.
      await fixture.store.append([8, 9, 10, 11, 12].map((s) => chunk(runId, s)));
      await fixture.store.append([0, 1, 2, 3, 4, 5, 6, 7].map((s) => chunk(runId, s)));
      const all = await fixture.store.readFrom(runId, -1, 100);
      expect(all.map((c) => c.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(all[10]).toEqual(chunk(runId, 10));
      expect((await fixture.store.readFrom(runId, 8, 3)).map((c) => c.seq)).toEqual([9, 10, 11]);
      expect(await fixture.store.readFrom(runId, 12, 3)).toEqual([]);
      expect(await fixture.store.maxSeq(runId)).toBe(12);
    });

    it('skips chunks already stored instead of failing, keeping the first text', async () => {
      const runId = newRun();
      await fixture.store.append([chunk(runId, 0, 'first'), chunk(runId, 1, 'second')]);
      await expect(fixture.store.append([chunk(runId, 1, 'retried'), chunk(runId, 2, 'third')])).resolves.toBeUndefined();
      expect((await fixture.store.readFrom(runId, -1, 10)).map((c) => c.text)).toEqual(['first', 'second', 'third']);
    });

    it('keeps runs apart', async () => {
      const a = newRun();
      const b = newRun();
      await fixture.store.append([chunk(a, 0, 'a0'), chunk(a, 1, 'a1')]);
      await fixture.store.append([chunk(b, 0, 'b0')]);
      expect((await fixture.store.readFrom(b, -1, 10)).map((c) => c.text)).toEqual(['b0']);
      expect(await fixture.store.maxSeq(a)).toBe(1);
    });

    it('returns text and state exactly as stored (unicode, ANSI, 64 KiB)', async () => {
      const runId = newRun();
      const texts = [
        '\u001b[32m+ create\u001b[0m\r\n\u001b[1maws_s3_bucket.b\u001b[0m: Creating…\n',
        'ünïcödé 日本語 🚀👩‍👩‍👧 \u{1F9EA}\ttab\n',
        'x'.repeat(64 * 1024),
        '',
      ];
      await fixture.store.append(texts.map((t, i) => chunk(runId, i, t, i % 2 ? 'APPLYING' : 'PLANNING')));
      const read = await fixture.store.readFrom(runId, -1, 10);
      expect(read.map((c) => c.text)).toEqual(texts);
      expect(read.map((c) => c.state)).toEqual(['PLANNING', 'APPLYING', 'PLANNING', 'APPLYING']);
    });

    it('accepts an empty append', async () => {
      await expect(fixture.store.append([])).resolves.toBeUndefined();
    });
  });
}
