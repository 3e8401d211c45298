import { randomBytes } from 'node:crypto';
import { Prisma, type Run, type Stack } from './generated/prisma/client.ts';
import type { ActorKind, RunState, RunType, TriggerReason } from './generated/prisma/enums.ts';
import { logChunksTable, type LogChunkRow } from './log-statements.ts';

/**
 * The statements of a run's hot path (trigger, claim, transitions, the end of an apply), each one
 * round trip, built here so that the SQL lives in packages/db and nowhere else. Every statement
 * names the account in its filters (the first line of defence) and runs inside a tenant transaction
 * (tenant.ts), so row-level security (the second line) applies to it like to any other query of
 * the handle. Callers reach them only through `TenantTx`'s typed methods: no SQL goes in or out.
 *
 * Prisma would send each of these as several statements (lock the stack, lock the run, read the
 * run, update it, insert the history row, insert the outbox row, …): about half a millisecond to
 * two each, on the critical path of every run.
 */

/** A run and its stack, both locked (`FOR UPDATE`) for the rest of the transaction. */
export interface LockedRun {
  run: Run;
  stack: Stack;
}

/** Run columns a transition may set. */
export interface RunColumns {
  state?: RunState;
  commitSha?: string | null;
  commitMessage?: string | null;
  queueReason?: string | null;
  planSummary?: Prisma.InputJsonValue | null;
  resourceChangesCiphertext?: Uint8Array<ArrayBuffer> | null;
  hasChanges?: boolean | null;
  planFileSha256?: string | null;
  confirmedById?: string | null;
  confirmedByName?: string | null;
  confirmedAt?: Date | null;
  error?: string | null;
  leaseOwner?: string | null;
  leaseToken?: string | null;
  leaseExpiresAt?: Date | null;
  heartbeatAt?: Date | null;
  /** A number, or `{ increment }` to add to the stored one. */
  phaseAttempts?: number | { increment: number };
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

/** The SQL type of each settable column (casts make every parameter's type explicit). */
const RUN_COLUMN_TYPES: { readonly [K in keyof Required<RunColumns>]: string } = {
  state: '"RunState"',
  commitSha: 'text',
  commitMessage: 'text',
  queueReason: 'text',
  planSummary: 'jsonb',
  resourceChangesCiphertext: 'bytea',
  hasChanges: 'boolean',
  planFileSha256: 'text',
  confirmedById: 'text',
  confirmedByName: 'text',
  confirmedAt: 'timestamp(3)',
  error: 'text',
  leaseOwner: 'text',
  leaseToken: 'text',
  leaseExpiresAt: 'timestamp(3)',
  heartbeatAt: 'timestamp(3)',
  phaseAttempts: 'integer',
  startedAt: 'timestamp(3)',
  finishedAt: 'timestamp(3)',
};

/** The run columns a transition may set. */
export const SETTABLE_RUN_COLUMNS = Object.keys(RUN_COLUMN_TYPES) as ReadonlyArray<keyof RunColumns>;

/** Run columns no transition may set (identity, creation, and what Gantry maintains itself). */
export const RUN_COLUMNS_NOT_SETTABLE = ['id', 'accountId', 'stackId', 'type', 'triggeredById', 'triggeredByName', 'triggerReason', 'retryOfId', 'createdAt', 'updatedAt'] as const;

/** One row of a run's timeline. */
export interface HistoryRow {
  fromState: RunState | null;
  toState: RunState;
  event: string;
  actorKind: ActorKind;
  actorId: string | null;
  actorName: string | null;
  reason: string | null;
  at: Date;
}

/** A job to enqueue once the transaction commits (the relay moves it to the queue). */
export interface OutboxRow {
  queue: string;
  jobName: string;
  payload: Prisma.InputJsonValue;
}

/** A new version of a stack's state (encrypted by the caller). */
export interface StackStateRow {
  stackId: string;
  version: number;
  serial: number | null;
  lineage: string | null;
  ciphertext: Uint8Array<ArrayBuffer>;
  sha256: string;
  sizeBytes: number;
  runId: string | null;
}

/** Everything a transition writes, in one statement. */
export interface RunTransitionWrite {
  runId: string;
  set: RunColumns;
  updatedAt: Date;
  history: HistoryRow;
  outbox?: OutboxRow | null;
  /** Delete the run's planned workspace (it may no longer be applied). */
  deleteArchive?: boolean;
  /** A state version to store in the same statement (the end of an apply). */
  stackState?: StackStateRow | null;
  /**
   * The last chunks of the run's log, stored with the transition that ends the phase, as of its time
   * (chunks already stored are left as they are, like appendLogChunksStatement).
   */
  logChunks?: readonly LogChunkRow[] | null;
  /**
   * Also read the stack's queue (StackQueue), leaving this run out of it: for a transition that
   * releases the stack lock (the stack is locked, so the queue read here is current).
   */
  queueOf?: StackQueueFilter | null;
}

/** A written or created run, and the stack's queue when it was asked for. */
export interface RunWithQueue {
  run: Run;
  queue: StackQueue | null;
}

/** A new run, its first timeline row and its audit entry, in one statement. */
export interface RunCreate {
  run: {
    stackId: string;
    type: RunType;
    state: RunState;
    commitSha: string | null;
    commitMessage: string | null;
    triggeredById: string | null;
    triggeredByName: string | null;
    triggerReason: TriggerReason;
    retryOfId: string | null;
    createdAt: Date;
  };
  history: Omit<HistoryRow, 'toState'>;
  audit: { actorKind: ActorKind; actorId: string | null; action: string; data: Prisma.InputJsonValue | null } | null;
  /**
   * Also read the stack's queue as it was before this run (the new run is not in it: it is QUEUED and
   * the newest). Lock the stack first, in an earlier statement.
   */
  queueOf?: StackQueueFilter | null;
}

/** What decides who holds a stack's lock next (promoteQueuedRuns), read in one statement. */
export interface StackQueue {
  lockedReason: string | null;
  /** The oldest run of the lock-taking types in a lock-holding state. */
  holderId: string | null;
  /** The oldest queued run of the lock-taking types. */
  nextQueuedId: string | null;
  /** How many runs of the lock-taking types are queued. */
  queued: number;
}

export interface StackQueueFilter {
  lockTakingTypes: Iterable<RunType>;
  holdingStates: Iterable<RunState>;
}

// Column lists come from the generated client, so a new column is read without a change here.
const RUN_FIELDS = Object.values(Prisma.RunScalarFieldEnum);
const STACK_FIELDS = Object.values(Prisma.StackScalarFieldEnum);
const LOCK_COLUMNS = Prisma.raw(
  [...STACK_FIELDS.map((field) => `s."${field}" AS "s.${field}"`), ...RUN_FIELDS.map((field) => `r."${field}" AS "r.${field}"`)].join(', '),
);

let lastUuidMs = 0;
let uuidSequence = 0;

/**
 * A time-ordered UUID (version 7), like the ids Prisma makes for `@default(uuid(7))`: ids made by
 * this process increase, also within one millisecond (12-bit sequence after the timestamp, RFC 9562
 * method 3), so ordering by (createdAt, id) follows creation order.
 */
export function uuidv7(now = Date.now()): string {
  if (now > lastUuidMs) {
    lastUuidMs = now;
    uuidSequence = randomBytes(2).readUInt16BE(0) & 0x3ff;
  } else if (++uuidSequence > 0xfff) {
    lastUuidMs += 1;
    uuidSequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastUuidMs, 0, 6);
  bytes[6] = 0x70 | (uuidSequence >> 8);
  bytes[7] = uuidSequence & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const json = (value: Prisma.InputJsonValue | null | undefined) => (value == null ? null : JSON.stringify(value));

/**
 * Locks the run's stack, then the run (`FOR UPDATE OF s, r` locks in that order, the order every
 * transaction locks them in), and returns both rows as they are once locked.
 */
export function lockRunStatement(accountId: string, runId: string, stackId: string | null): Prisma.Sql {
  return Prisma.sql`SELECT ${LOCK_COLUMNS}
    FROM "Stack" s JOIN "Run" r ON r."stackId" = s."id" AND r."accountId" = s."accountId"
    WHERE r."id" = ${runId} AND r."accountId" = ${accountId}${stackId === null ? Prisma.empty : Prisma.sql` AND s."id" = ${stackId}`}
    FOR UPDATE OF s, r`;
}

export function lockedRunFromRow(row: Record<string, unknown>): LockedRun {
  const pick = (prefix: string, fields: readonly string[]) => Object.fromEntries(fields.map((field) => [field, row[`${prefix}.${field}`]]));
  return { stack: pick('s', STACK_FIELDS) as Stack, run: pick('r', RUN_FIELDS) as Run };
}

function setList(set: RunColumns, updatedAt: Date): Prisma.Sql {
  const assignments: Prisma.Sql[] = [];
  for (const [column, value] of Object.entries(set) as Array<[keyof RunColumns, unknown]>) {
    if (value === undefined) continue;
    const type = RUN_COLUMN_TYPES[column];
    if (!type) throw new TypeError(`Run column ${String(column)} cannot be set by a transition`);
    if (column === 'phaseAttempts' && typeof value === 'object' && value !== null) {
      assignments.push(Prisma.sql`"phaseAttempts" = "phaseAttempts" + ${(value as { increment: number }).increment}::integer`);
      continue;
    }
    const parameter = column === 'planSummary' ? json(value as Prisma.InputJsonValue | null) : value;
    assignments.push(Prisma.sql`${Prisma.raw(`"${column}"`)} = ${parameter}::${Prisma.raw(type)}`);
  }
  assignments.push(Prisma.sql`"updatedAt" = ${updatedAt}::timestamp(3)`);
  return Prisma.join(assignments, ', ');
}

/**
 * Updates the run, appends its timeline row and, when given, its outbox job and a state version,
 * and deletes its planned workspace: one statement, returning the run as written.
 */
export function runTransitionStatement(accountId: string, write: RunTransitionWrite): Prisma.Sql {
  const { history, outbox, stackState } = write;
  const parts: Prisma.Sql[] = [
    Prisma.sql`"run" AS (
      UPDATE "Run" SET ${setList(write.set, write.updatedAt)}
      WHERE "id" = ${write.runId} AND "accountId" = ${accountId}
      RETURNING *)`,
    Prisma.sql`"history" AS (
      INSERT INTO "RunTransition" ("accountId", "runId", "fromState", "toState", "event", "actorKind", "actorId", "actorName", "reason", "at")
      SELECT "accountId", "id", ${history.fromState}::"RunState", ${history.toState}::"RunState", ${history.event}::text,
        ${history.actorKind}::"ActorKind", ${history.actorId}::text, ${history.actorName}::text, ${history.reason}::text, ${history.at}::timestamp(3)
      FROM "run")`,
  ];
  if (outbox) {
    parts.push(Prisma.sql`"outbox" AS (
      INSERT INTO "Outbox" ("id", "accountId", "queue", "jobName", "payload", "createdAt")
      SELECT ${uuidv7()}::text, "accountId", ${outbox.queue}::text, ${outbox.jobName}::text, ${json(outbox.payload)}::jsonb, ${history.at}::timestamp(3)
      FROM "run")`);
  }
  if (write.deleteArchive) {
    parts.push(Prisma.sql`"archive" AS (
      DELETE FROM "WorkspaceArchive" WHERE "runId" = ${write.runId} AND "accountId" = ${accountId})`);
  }
  if (stackState) {
    parts.push(Prisma.sql`"state" AS (
      INSERT INTO "StackState" ("id", "accountId", "stackId", "version", "serial", "lineage", "ciphertext", "sha256", "sizeBytes", "runId", "createdAt")
      SELECT ${uuidv7()}::text, "accountId", ${stackState.stackId}::text, ${stackState.version}::integer, ${stackState.serial}::integer,
        ${stackState.lineage}::text, ${stackState.ciphertext}::bytea, ${stackState.sha256}::text, ${stackState.sizeBytes}::integer,
        ${stackState.runId}::text, ${history.at}::timestamp(3)
      FROM "run")`);
  }
  if (write.logChunks && write.logChunks.length > 0) {
    parts.push(Prisma.sql`"log" AS (
      INSERT INTO "LogChunk" ("accountId", "runId", "seq", "state", "text", "createdAt")
      SELECT "run"."accountId", "run"."id", c."seq", c."state"::"RunState", c."text", ${history.at}::timestamp(3)
      FROM "run", ${logChunksTable(write.logChunks)}
      ON CONFLICT DO NOTHING)`);
  }
  return Prisma.sql`WITH ${Prisma.join(parts, ', ')} ${selectRunAndQueue(accountId, write.queueOf ?? null, write.runId)}`;
}

/** Inserts a run with its first timeline row (and an audit entry), returning the run. */
export function createRunStatement(accountId: string, create: RunCreate): Prisma.Sql {
  const { run, history, audit } = create;
  const id = uuidv7(run.createdAt.getTime());
  const parts: Prisma.Sql[] = [
    Prisma.sql`"run" AS (
      INSERT INTO "Run" ("id", "accountId", "stackId", "type", "state", "commitSha", "commitMessage", "triggeredById", "triggeredByName",
        "triggerReason", "retryOfId", "createdAt", "updatedAt")
      VALUES (${id}::text, ${accountId}::text, ${run.stackId}::text, ${run.type}::"RunType", ${run.state}::"RunState", ${run.commitSha}::text,
        ${run.commitMessage}::text, ${run.triggeredById}::text, ${run.triggeredByName}::text, ${run.triggerReason}::"TriggerReason",
        ${run.retryOfId}::text, ${run.createdAt}::timestamp(3), ${run.createdAt}::timestamp(3))
      RETURNING *)`,
    Prisma.sql`"history" AS (
      INSERT INTO "RunTransition" ("accountId", "runId", "fromState", "toState", "event", "actorKind", "actorId", "actorName", "reason", "at")
      SELECT "accountId", "id", ${history.fromState}::"RunState", "state", ${history.event}::text, ${history.actorKind}::"ActorKind",
        ${history.actorId}::text, ${history.actorName}::text, ${history.reason}::text, ${history.at}::timestamp(3)
      FROM "run")`,
  ];
  if (audit) {
    parts.push(Prisma.sql`"audit" AS (
      INSERT INTO "AuditEntry" ("accountId", "actorKind", "actorId", "action", "targetType", "targetId", "data", "at")
      SELECT "accountId", ${audit.actorKind}::"ActorKind", ${audit.actorId}::text, ${audit.action}::text, 'Run', "id", ${json(audit.data)}::jsonb,
        ${history.at}::timestamp(3)
      FROM "run")`);
  }
  return Prisma.sql`WITH ${Prisma.join(parts, ', ')} ${selectRunAndQueue(accountId, create.queueOf ?? null, null)}`;
}

/** The columns of a stack's queue (StackQueue), from the stack row `s`, leaving `excludeRunId` out. */
function queueColumns(filter: StackQueueFilter, excludeRunId: string | null, prefix: string): Prisma.Sql {
  const types = Prisma.join([...filter.lockTakingTypes].map((type) => Prisma.sql`${type}::"RunType"`));
  const holding = Prisma.join([...filter.holdingStates].map((state) => Prisma.sql`${state}::"RunState"`));
  const others = excludeRunId === null ? Prisma.empty : Prisma.sql` AND r."id" <> ${excludeRunId}`;
  const runsOfStack = Prisma.sql`FROM "Run" r WHERE r."stackId" = s."id" AND r."accountId" = s."accountId" AND r."type" IN (${types})${others}`;
  const as = (name: string) => Prisma.raw(`"${prefix}${name}"`);
  return Prisma.sql`s."lockedReason" AS ${as('lockedReason')},
      (SELECT r."id" ${runsOfStack} AND r."state" IN (${holding}) ORDER BY r."createdAt", r."id" LIMIT 1) AS ${as('holderId')},
      (SELECT r."id" ${runsOfStack} AND r."state" = 'QUEUED' ORDER BY r."createdAt", r."id" LIMIT 1) AS ${as('nextQueuedId')},
      (SELECT count(*)::integer ${runsOfStack} AND r."state" = 'QUEUED') AS ${as('queued')}`;
}

const QUEUE_PREFIX = 'queue.';

/** The final SELECT of a run statement: the run, and its stack's queue when asked for. */
function selectRunAndQueue(accountId: string, filter: StackQueueFilter | null, excludeRunId: string | null): Prisma.Sql {
  if (!filter) return Prisma.sql`SELECT * FROM "run"`;
  return Prisma.sql`SELECT "run".*, ${queueColumns(filter, excludeRunId, QUEUE_PREFIX)}
    FROM "run" JOIN "Stack" s ON s."id" = "run"."stackId" AND s."accountId" = ${accountId}`;
}

/** Splits a row of selectRunAndQueue. */
export function runWithQueueFromRow(row: Record<string, unknown>): RunWithQueue {
  const run: Record<string, unknown> = {};
  const queue: Record<string, unknown> = {};
  let hasQueue = false;
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith(QUEUE_PREFIX)) {
      queue[key.slice(QUEUE_PREFIX.length)] = value;
      hasQueue = true;
    } else run[key] = value;
  }
  return { run: run as Run, queue: hasQueue ? (queue as unknown as StackQueue) : null };
}

/** The stack's lock reason and its queue (see StackQueue), in one statement. */
export function stackQueueStatement(accountId: string, stackId: string, filter: StackQueueFilter): Prisma.Sql {
  return Prisma.sql`SELECT ${queueColumns(filter, null, '')} FROM "Stack" s WHERE s."id" = ${stackId} AND s."accountId" = ${accountId}`;
}
