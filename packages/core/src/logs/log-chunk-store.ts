import type { TenantDb } from '@gantry/db';
import { RUN_STATES, type RunState } from '@gantry/domain';
import type { LogChunk, LogChunkStore } from '@gantry/logs';

const STATES = new Set<string>(RUN_STATES);

function asRunState(state: string): RunState {
  if (!STATES.has(state)) throw new TypeError(`Log chunk state "${state}" is not a run state`);
  return state as RunState;
}

/** The logs package's persistence port over the LogChunk table, scoped to one account. */
export function createLogChunkStore(db: TenantDb): LogChunkStore {
  return {
    async append(chunks: readonly LogChunk[]) {
      if (chunks.length === 0) return;
      const runId = chunks[0]!.runId;
      if (chunks.some((c) => c.runId !== runId)) throw new TypeError('append takes chunks of one run');
      // One statement of constant text (Prisma compiles every createMany again: CPU on each flush).
      await db.appendLogChunks(runId, chunks.map((c) => ({ seq: c.seq, state: asRunState(c.state), text: c.text })));
    },
    async readFrom(runId, afterSeq, limit) {
      const rows = await db.logChunk.findMany({
        where: { runId, seq: { gt: afterSeq } },
        orderBy: { seq: 'asc' },
        take: limit,
        select: { runId: true, seq: true, state: true, text: true },
      });
      return rows.map((r) => ({ runId: r.runId, seq: r.seq, state: r.state, text: r.text }));
    },
    async maxSeq(runId) {
      return db.logMaxSeq(runId);
    },
  };
}
