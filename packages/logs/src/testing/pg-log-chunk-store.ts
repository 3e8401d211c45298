// A LogChunkStore over plain `pg`, used by this package's integration tests to prove the port
// against real SQL (ordering, duplicates, text fidelity). The product uses BACKEND's Prisma one.
import pg from 'pg';
import type { LogChunk, LogChunkStore } from '../types.ts';

const TABLE_SQL = `
  CREATE TABLE IF NOT EXISTS run_log_chunk (
    run_id text NOT NULL,
    seq integer NOT NULL,
    state text NOT NULL,
    text text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, seq)
  )`;

export interface PgLogChunkStore extends LogChunkStore {
  /** Calls made to `append`, and calls that failed. */
  readonly counters: { appends: number; failures: number };
  /** Fails the next `n` appends (simulates Postgres trouble without stopping the shared server). */
  failNextAppends(n: number): void;
}

export async function createPgLogChunkStore(pool: pg.Pool): Promise<PgLogChunkStore> {
  await pool.query(TABLE_SQL);
  const counters = { appends: 0, failures: 0 };
  let failuresToInject = 0;
  return {
    counters,
    failNextAppends(n) {
      failuresToInject = n;
    },
    async append(chunks: readonly LogChunk[]) {
      counters.appends += 1;
      if (failuresToInject > 0) {
        failuresToInject -= 1;
        counters.failures += 1;
        throw new Error('injected append failure');
      }
      if (chunks.length === 0) return;
      await pool.query(
        `INSERT INTO run_log_chunk (run_id, seq, state, text)
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[])
         ON CONFLICT (run_id, seq) DO NOTHING`,
        [chunks.map((c) => c.runId), chunks.map((c) => c.seq), chunks.map((c) => c.state), chunks.map((c) => c.text)],
      );
    },
    async readFrom(runId, afterSeq, limit) {
      const result = await pool.query<{ seq: number; state: string; text: string }>(
        'SELECT seq, state, text FROM run_log_chunk WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [runId, afterSeq, limit],
      );
      return result.rows.map((r) => ({ runId, seq: r.seq, state: r.state, text: r.text }));
    },
    async maxSeq(runId) {
      const result = await pool.query<{ max: number | null }>('SELECT max(seq) AS max FROM run_log_chunk WHERE run_id = $1', [runId]);
      return result.rows[0]?.max ?? null;
    },
  };
}

/** Creates a fresh database for one test file; `drop()` removes it. */
export async function createTestDatabase(prefix = 'gantry_logs_test'): Promise<{ pool: pg.Pool; drop: () => Promise<void> }> {
  const base = process.env.GANTRY_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  return {
    pool,
    drop: async () => {
      await pool.end();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
