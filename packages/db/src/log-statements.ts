import { Prisma } from './generated/prisma/client.ts';
import type { RunState } from './generated/prisma/enums.ts';

/**
 * The log statements of a run's hot path (appends every flush, the writer's start), one round trip
 * each with the same text whatever the batch: Prisma's query compiler does not cache `createMany`
 * plans (every append was compiled again, in WebAssembly, on the worker's CPU beside OpenTofu), and
 * its aggregate costs more JavaScript than the statement. Like run-statements.ts, each names the
 * account in its filters and runs in a tenant transaction (row-level security applies).
 */

/** One chunk of a run's log (LogChunk without its run, account and creation time). */
export interface LogChunkRow {
  seq: number;
  state: RunState;
  text: string;
}

/**
 * Stores chunks of one run, all or none; a chunk whose (run, seq) is already stored is left as it is
 * (a retried flush). The chunks travel as three arrays, so the statement's text never changes.
 */
export function appendLogChunksStatement(accountId: string, runId: string, chunks: readonly LogChunkRow[]): Prisma.Sql {
  return Prisma.sql`INSERT INTO "LogChunk" ("accountId", "runId", "seq", "state", "text")
    SELECT ${accountId}::text, ${runId}::text, c."seq", c."state"::"RunState", c."text"
    FROM ${logChunksTable(chunks)}
    ON CONFLICT DO NOTHING`;
}

/** The chunks as a table `c("seq", "state", "text")` of three array parameters (constant text). */
export function logChunksTable(chunks: readonly LogChunkRow[]): Prisma.Sql {
  const seqs = chunks.map((chunk) => chunk.seq);
  const states = chunks.map((chunk) => chunk.state);
  const texts = chunks.map((chunk) => chunk.text);
  return Prisma.sql`unnest(${seqs}::integer[], ${states}::text[], ${texts}::text[]) AS c("seq", "state", "text")`;
}

/** The highest stored seq of a run's log (`maxSeq`: null when nothing is stored). */
export function logMaxSeqStatement(accountId: string, runId: string): Prisma.Sql {
  return Prisma.sql`SELECT max("seq") AS "maxSeq" FROM "LogChunk" WHERE "runId" = ${runId} AND "accountId" = ${accountId}`;
}
