import { Prisma } from './generated/prisma/client.ts';

/**
 * What a worker reads as it claims a phase (the stack's variables and its current state, and where
 * the run's log goes on), in one statement of constant text within the claim's transaction instead
 * of Prisma reads in transactions of their own (round trips and the Prisma client's JavaScript for
 * each, on the critical path of every run). Like run-statements.ts, it names the account in its
 * filters and runs in a tenant transaction.
 */

/** A stack variable as stored (a secret's value is encrypted: the caller opens it). */
export interface StoredVariableRow {
  name: string;
  secret: boolean;
  value: string | null;
  ciphertext: Uint8Array | null;
}

/** The newest state version of a stack as stored (encrypted). */
export interface StoredStateRow {
  version: number;
  ciphertext: Uint8Array;
  sha256: string;
}

export interface StoredPhaseInputs {
  /** Ordered by name (like `orderBy: { name: 'asc' }`). */
  variables: StoredVariableRow[];
  /** Null for a stack that never stored a state. */
  state: StoredStateRow | null;
}

/** The phase's inputs and where its run's log goes on (null: nothing stored yet). */
export interface StoredPhaseStart extends StoredPhaseInputs {
  logMaxSeq: number | null;
}

/**
 * The stack's variables (kind 'v', by name), its newest state version (kind 's', at most one row)
 * and the highest stored seq of the run's log (kind 'l', one row: the phase's log writer continues
 * from there).
 */
export function phaseInputsStatement(accountId: string, stackId: string, runId: string): Prisma.Sql {
  return Prisma.sql`SELECT 'v' AS "kind", "name", "secret", "value", "ciphertext", NULL::integer AS "version", NULL::text AS "sha256"
      FROM "EnvironmentVariable" WHERE "stackId" = ${stackId} AND "accountId" = ${accountId}
    UNION ALL
    (SELECT 's', NULL, NULL, NULL, "ciphertext", "version", "sha256"
      FROM "StackState" WHERE "stackId" = ${stackId} AND "accountId" = ${accountId} ORDER BY "version" DESC LIMIT 1)
    UNION ALL
    SELECT 'l', NULL, NULL, NULL, NULL, max("seq"), NULL FROM "LogChunk" WHERE "runId" = ${runId} AND "accountId" = ${accountId}
    ORDER BY "kind" DESC, "name"`;
}

interface PhaseInputRow {
  kind: 'v' | 's' | 'l';
  name: string | null;
  secret: boolean | null;
  value: string | null;
  ciphertext: Uint8Array | null;
  version: number | null;
  sha256: string | null;
}

export function phaseInputsFromRows(rows: readonly Record<string, unknown>[]): StoredPhaseStart {
  const variables: StoredVariableRow[] = [];
  let state: StoredStateRow | null = null;
  let logMaxSeq: number | null = null;
  for (const row of rows as unknown as readonly PhaseInputRow[]) {
    if (row.kind === 's') state = { version: row.version!, ciphertext: row.ciphertext!, sha256: row.sha256! };
    else if (row.kind === 'l') logMaxSeq = row.version;
    else variables.push({ name: row.name!, secret: row.secret!, value: row.value, ciphertext: row.ciphertext });
  }
  return { variables, state, logMaxSeq };
}
