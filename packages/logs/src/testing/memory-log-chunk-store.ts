import type { LogChunk, LogChunkStore } from '../types.ts';

/** LogChunkStore in process memory, for tests. Same rules as the Postgres one (see the contract). */
export function createMemoryLogChunkStore(): LogChunkStore & { readonly appendCalls: number } {
  const runs = new Map<string, LogChunk[]>();
  let appendCalls = 0;

  const firstIndexAfter = (chunks: readonly LogChunk[], afterSeq: number): number => {
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (chunks[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    get appendCalls() {
      return appendCalls;
    },
    async append(chunks) {
      appendCalls += 1;
      const runId = chunks[0]?.runId;
      if (runId === undefined) return;
      if (chunks.some((c) => c.runId !== runId)) throw new Error('append: all chunks must belong to one run');
      const stored = runs.get(runId) ?? [];
      const seen = new Set(stored.map((c) => c.seq));
      for (const chunk of chunks) {
        if (seen.has(chunk.seq)) continue;
        seen.add(chunk.seq);
        stored.push({ runId: chunk.runId, seq: chunk.seq, state: chunk.state, text: chunk.text });
      }
      stored.sort((a, b) => a.seq - b.seq);
      runs.set(runId, stored);
    },
    async readFrom(runId, afterSeq, limit) {
      const stored = runs.get(runId) ?? [];
      const start = firstIndexAfter(stored, afterSeq);
      return stored.slice(start, start + limit);
    },
    async maxSeq(runId) {
      return runs.get(runId)?.at(-1)?.seq ?? null;
    },
  };
}
