import { DomainError } from '@gantry/domain';
import type { PrismaClient, Run } from './generated/prisma/client.ts';
import {
  createRunStatement,
  lockedRunFromRow,
  lockRunStatement,
  runTransitionStatement,
  runWithQueueFromRow,
  stackQueueStatement,
  type LockedRun,
  type RunCreate,
  type RunWithQueue,
  type RunTransitionWrite,
  type StackQueue,
  type StackQueueFilter,
} from './run-statements.ts';
import { appendLogChunksStatement, logMaxSeqStatement, type LogChunkRow } from './log-statements.ts';
import { phaseInputsFromRows, phaseInputsStatement, type StoredPhaseStart } from './phase-input-statements.ts';
import { withTenantBegin } from './statements.ts';
import { tenantSessionSql } from './tenant-session.ts';

/**
 * Tenant scoping, in one place. `forAccount(prisma, accountId)` returns a handle whose model
 * delegates inject `accountId` into every filter and every created row (callers also write
 * `accountId: db.accountId` in create data so Prisma's types stay exact; any other value is refused),
 * refuse to move a row to another account, and check every returned row (including included
 * relations) belongs to the account. The handle exposes no raw SQL and no model outside the
 * tenant's data.
 *
 * Second line of defence, in the database: every query of the handle runs in a transaction that
 * switches to the `gantry_tenant` role with `app.account_id` set (see tenant-session.ts; the
 * settings travel with the transaction's BEGIN, statements.ts), and
 * row-level security policies on every tenant table hide and refuse other accounts' rows even if a
 * filter above was wrong. Every reference between tenant rows is also a composite foreign key
 * (id, accountId), so the database refuses cross-account links.
 */

/** Models whose rows belong to one account, by their Prisma model name. */
const TENANT_MODELS = new Set([
  'Membership',
  'Invitation',
  'Space',
  'Stack',
  'EnvironmentVariable',
  'Run',
  'RunTransition',
  'LogChunk',
  'WorkspaceArchive',
  'StackState',
  'AuditEntry',
]);

/** Models a tenant handle may only append to (infrastructure tables read by the system). */
const APPEND_ONLY_MODELS = new Set(['Outbox']);

const FILTER_OPERATIONS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'delete',
  'deleteMany',
]);
const CREATE_OPERATIONS = new Set(['create', 'createMany', 'createManyAndReturn']);

/** A tenant handle was asked to do something that would cross or escape its account. */
export class TenantScopeViolation extends Error {
  override readonly name = 'TenantScopeViolation';
}

type AnyArgs = Record<string, unknown> & {
  where?: Record<string, unknown>;
  data?: unknown;
  select?: Record<string, unknown>;
  create?: Record<string, unknown>;
  update?: Record<string, unknown>;
};

function scopeWhere(where: Record<string, unknown> | undefined, key: string, accountId: string) {
  if (where && key in where && where[key] !== accountId) {
    // Asking for another account's row through this handle: it does not exist for this tenant.
    throw DomainError.notFound('Record');
  }
  return { ...where, [key]: accountId };
}

function scopeData(data: unknown, accountId: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TenantScopeViolation('create data must be an object');
  const row = data as Record<string, unknown>;
  if ('account' in row) throw new TenantScopeViolation('tenant rows are created with scalar accountId, not an account relation');
  if ('accountId' in row && row.accountId !== accountId) throw new TenantScopeViolation('cannot create a row in another account');
  return { ...row, accountId };
}

function refuseAccountChange(data: unknown) {
  if (typeof data === 'object' && data !== null && ('accountId' in data || 'account' in data))
    throw new TenantScopeViolation('cannot move a row to another account');
}

/** Second line of defence: whatever the query, nothing of another account may come back. */
export function verifyResult(value: unknown, accountId: string, model: string, depth = 0): void {
  if (depth > 12 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) verifyResult(item, accountId, model, depth + 1);
    return;
  }
  if (value instanceof Date || value instanceof Uint8Array) return;
  const row = value as Record<string, unknown>;
  if (typeof row.accountId === 'string' && row.accountId !== accountId)
    throw new TenantScopeViolation(`a ${model} query returned a row of another account`);
  for (const [key, nested] of Object.entries(row)) {
    if (key !== 'accountId' && typeof nested === 'object') verifyResult(nested, accountId, model, depth + 1);
  }
}

function scopeArgs(model: string, operation: string, args: AnyArgs, accountId: string): AnyArgs {
  // The Account model is scoped by its own id; the others by accountId.
  const key = model === 'Account' ? 'id' : 'accountId';
  if (model === 'Account' && (CREATE_OPERATIONS.has(operation) || operation === 'upsert' || operation.startsWith('delete')))
    throw new TenantScopeViolation(`a tenant handle cannot ${operation} accounts`);

  const scoped: AnyArgs = { ...args };
  if (FILTER_OPERATIONS.has(operation)) {
    scoped.where = scopeWhere(args.where, key, accountId);
    if (operation.startsWith('update')) refuseAccountChange(args.data);
    // Make sure rows come back with accountId so they can be verified.
    if (args.select && key === 'accountId') scoped.select = { ...args.select, accountId: true };
    return scoped;
  }
  if (CREATE_OPERATIONS.has(operation)) {
    scoped.data = Array.isArray(args.data) ? args.data.map((row) => scopeData(row, accountId)) : scopeData(args.data, accountId);
    if (args.select) scoped.select = { ...args.select, accountId: true };
    return scoped;
  }
  if (operation === 'upsert') {
    scoped.where = scopeWhere(args.where, key, accountId);
    scoped.create = scopeData(args.create, accountId);
    refuseAccountChange(args.update);
    if (args.select) scoped.select = { ...args.select, accountId: true };
    return scoped;
  }
  throw new TenantScopeViolation(`operation ${operation} is not available through a tenant handle`);
}

/**
 * `standalone`: each operation runs in its own tenant transaction (session settings, then the
 * operation on the transaction's client). `in-transaction`: the caller's interactive transaction
 * already is a tenant transaction.
 */
type ExtensionMode = 'standalone' | 'in-transaction';

/** How long a standalone operation may wait for a connection and run (large log reads included). */
const STANDALONE_TRANSACTION = { maxWait: 10_000, timeout: 60_000 } as const;

/** `Stack` → `stack`: the delegate of a model on a client. */
const delegateKey = (model: string) => model.charAt(0).toLowerCase() + model.slice(1);

function scopedExtension(prisma: PrismaClient, accountId: string, mode: ExtensionMode) {
  const session = tenantSessionSql(accountId);
  /**
   * Runs one (already scoped) operation. Standalone: an interactive transaction on the raw client,
   * where the operation is dispatched again to the transaction's own delegate (cheaper in Prisma 7
   * than a batch transaction, and the extension is not re-entered).
   */
  const run = (model: string, operation: string, args: unknown, query: (args: never) => Promise<unknown>): Promise<unknown> => {
    if (mode === 'in-transaction') return query(args as never);
    return withTenantBegin(accountId, (begin) => prisma.$transaction(async (tx) => {
      if (!begin.met) await tx.$executeRaw(session);
      const delegate = (tx as unknown as Record<string, Record<string, (args: unknown) => Promise<unknown>>>)[delegateKey(model)];
      const method = delegate?.[operation];
      if (!method) throw new TenantScopeViolation(`operation ${model}.${operation} is not available through a tenant handle`);
      return method.call(delegate, args);
    }, STANDALONE_TRANSACTION));
  };
  return prisma.$extends({
    name: 'gantry-tenant-scope',
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (APPEND_ONLY_MODELS.has(model)) {
            if (operation !== 'create' && operation !== 'createMany')
              throw new TenantScopeViolation(`a tenant handle may only append to ${model}`);
            const a = args as AnyArgs;
            const data = Array.isArray(a.data) ? a.data.map((row) => scopeData(row, accountId)) : scopeData(a.data, accountId);
            return run(model, operation, { ...a, data }, query);
          }
          if (model !== 'Account' && !TENANT_MODELS.has(model))
            throw new TenantScopeViolation(`${model} is not account data; a tenant handle cannot reach it`);
          const result = await run(model, operation, scopeArgs(model, operation, args as AnyArgs, accountId), query);
          if (model === 'Account') {
            const rows = Array.isArray(result) ? result : [result];
            for (const row of rows)
              if (row && typeof row === 'object' && 'id' in row && (row as { id: unknown }).id !== accountId)
                throw new TenantScopeViolation('an Account query returned another account');
          } else {
            verifyResult(result, accountId, model);
          }
          return result;
        },
      },
    },
  });
}

type Scoped = ReturnType<typeof scopedExtension>;

export type TenantModels = Pick<
  Scoped,
  | 'account'
  | 'membership'
  | 'invitation'
  | 'space'
  | 'stack'
  | 'environmentVariable'
  | 'run'
  | 'runTransition'
  | 'logChunk'
  | 'workspaceArchive'
  | 'stackState'
  | 'auditEntry'
>;

/** Outbox access for a tenant: append only. */
export interface TenantOutbox {
  create: Scoped['outbox']['create'];
}

/**
 * A transaction of one account. Row locks are taken with the lock* methods (SELECT … FOR UPDATE).
 * The run methods below are the hot path of every run, one statement each (run-statements.ts).
 */
export interface TenantTx extends TenantModels {
  readonly accountId: string;
  readonly outbox: TenantOutbox;
  /** Locks the stack row for the rest of the transaction; false when the account has no such stack. */
  lockStack(stackId: string): Promise<boolean>;
  /** Locks the run row for the rest of the transaction; null when the account has no such run. */
  lockRun(runId: string): Promise<{ id: string; stackId: string } | null>;
  /**
   * Locks the run's stack, then the run, and returns both rows; null when the account has no such
   * run (or, given `stackId`, no such run on that stack).
   */
  lockRunAndStack(runId: string, stackId?: string): Promise<LockedRun | null>;
  /** Writes a transition (run, timeline row, outbox job, …) in one statement; the run must be locked. */
  writeRunTransition(write: RunTransitionWrite): Promise<RunWithQueue>;
  /** Creates a run with its first timeline row and audit entry in one statement. */
  createRun(create: RunCreate): Promise<RunWithQueue>;
  /** The stack's lock reason and queue in one statement (lock the stack first); null: no such stack. */
  stackQueue(stackId: string, filter: StackQueueFilter): Promise<StackQueue | null>;
  /**
   * What a phase of `runId` starts from, read in this transaction (one statement): the stack's
   * variables and newest state, and the highest stored seq of the run's log.
   */
  phaseStart(stackId: string, runId: string): Promise<StoredPhaseStart>;
  /** Stores log chunks of one run within this transaction (one statement; chunks already stored are left). */
  appendLogChunks(runId: string, chunks: readonly LogChunkRow[]): Promise<void>;
}

export interface TenantDb extends TenantModels {
  readonly accountId: string;
  readonly outbox: TenantOutbox;
  /**
   * Stores log chunks of one run in one statement (log-statements.ts), all or none; chunks already
   * stored (same run and seq) are left as they are.
   */
  appendLogChunks(runId: string, chunks: readonly LogChunkRow[]): Promise<void>;
  /** The highest stored seq of a run's log, null when none is stored (one statement). */
  logMaxSeq(runId: string): Promise<number | null>;
  /** An interactive transaction, scoped like the handle (read committed; timeout in ms). */
  transaction<T>(fn: (tx: TenantTx) => Promise<T>, options?: { timeoutMs?: number }): Promise<T>;
}

function pickModels(client: Scoped): TenantModels & { outbox: TenantOutbox } {
  return {
    account: client.account,
    membership: client.membership,
    invitation: client.invitation,
    space: client.space,
    stack: client.stack,
    environmentVariable: client.environmentVariable,
    run: client.run,
    runTransition: client.runTransition,
    logChunk: client.logChunk,
    workspaceArchive: client.workspaceArchive,
    stackState: client.stackState,
    auditEntry: client.auditEntry,
    outbox: { create: client.outbox.create.bind(client.outbox) as Scoped['outbox']['create'] },
  };
}

interface ScopedClients {
  standalone: Scoped;
  inTransaction: Scoped;
}

const extensionCache = new WeakMap<PrismaClient, Map<string, ScopedClients>>();

function scopedClients(prisma: PrismaClient, accountId: string): ScopedClients {
  let perClient = extensionCache.get(prisma);
  if (!perClient) extensionCache.set(prisma, (perClient = new Map()));
  let clients = perClient.get(accountId);
  if (!clients) {
    clients = { standalone: scopedExtension(prisma, accountId, 'standalone'), inTransaction: scopedExtension(prisma, accountId, 'in-transaction') };
    // Bounded: a long-lived process touching many accounts should not keep every extension alive.
    if (perClient.size > 1000) perClient.clear();
    perClient.set(accountId, clients);
  }
  return clients;
}

/** The tenant-scoped data handle: the only way use-cases read and write account data. */
export function forAccount(prisma: PrismaClient, accountId: string): TenantDb {
  if (typeof accountId !== 'string' || accountId.length === 0) throw new TenantScopeViolation('accountId is required');
  const { standalone, inTransaction } = scopedClients(prisma, accountId);
  /** One raw statement in a tenant transaction of its own (row-level security applies). */
  const standaloneStatement = <T>(statement: (tx: PrismaClient) => Promise<T>): Promise<T> =>
    withTenantBegin(accountId, (begin) =>
      prisma.$transaction(async (tx) => {
        const rawTx = tx as unknown as PrismaClient;
        if (!begin.met) await rawTx.$executeRaw(tenantSessionSql(accountId));
        return statement(rawTx);
      }, STANDALONE_TRANSACTION),
    );
  return {
    accountId,
    ...pickModels(standalone),
    async appendLogChunks(runId, chunks) {
      if (chunks.length === 0) return;
      await standaloneStatement((tx) => tx.$executeRaw(appendLogChunksStatement(accountId, runId, chunks)));
    },
    async logMaxSeq(runId) {
      const rows = await standaloneStatement((tx) => tx.$queryRaw<{ maxSeq: number | null }[]>(logMaxSeqStatement(accountId, runId)));
      return rows[0]?.maxSeq ?? null;
    },
    transaction(fn, options) {
      return withTenantBegin(accountId, (begin) => inTransaction.$transaction(
        async (tx) => {
          const txClient = tx as unknown as Scoped;
          const rawTx = tx as unknown as PrismaClient;
          // Row-level security for the rest of this transaction (unless BEGIN set it already).
          if (!begin.met) await rawTx.$executeRaw(tenantSessionSql(accountId));
          const verifiedRun = (rows: Record<string, unknown>[], what: string): RunWithQueue => {
            if (!rows[0]) throw new TenantScopeViolation(`${what}: no run of this account`);
            const written = runWithQueueFromRow(rows[0]);
            verifyResult(written.run, accountId, 'Run');
            return written;
          };
          const handle: TenantTx = {
            accountId,
            ...pickModels(txClient),
            async lockStack(stackId) {
              const rows = await rawTx.$queryRaw<{ id: string }[]>`
                SELECT "id" FROM "Stack" WHERE "id" = ${stackId} AND "accountId" = ${accountId} FOR UPDATE`;
              return rows.length === 1;
            },
            async lockRun(runId) {
              const rows = await rawTx.$queryRaw<{ id: string; stackId: string }[]>`
                SELECT "id", "stackId" FROM "Run" WHERE "id" = ${runId} AND "accountId" = ${accountId} FOR UPDATE`;
              return rows[0] ?? null;
            },
            async lockRunAndStack(runId, stackId) {
              const rows = await rawTx.$queryRaw<Record<string, unknown>[]>(lockRunStatement(accountId, runId, stackId ?? null));
              if (!rows[0]) return null;
              const locked = lockedRunFromRow(rows[0]);
              verifyResult(locked, accountId, 'Run');
              return locked;
            },
            async writeRunTransition(write) {
              return verifiedRun(await rawTx.$queryRaw<Record<string, unknown>[]>(runTransitionStatement(accountId, write)), 'writeRunTransition');
            },
            async createRun(create) {
              return verifiedRun(await rawTx.$queryRaw<Record<string, unknown>[]>(createRunStatement(accountId, create)), 'createRun');
            },
            async stackQueue(stackId, filter) {
              const rows = await rawTx.$queryRaw<StackQueue[]>(stackQueueStatement(accountId, stackId, filter));
              return rows[0] ?? null;
            },
            async phaseStart(stackId, runId) {
              return phaseInputsFromRows(await rawTx.$queryRaw<Record<string, unknown>[]>(phaseInputsStatement(accountId, stackId, runId)));
            },
            async appendLogChunks(runId, chunks) {
              if (chunks.length > 0) await rawTx.$executeRaw(appendLogChunksStatement(accountId, runId, chunks));
            },
          };
          return fn(handle);
        },
        { timeout: options?.timeoutMs ?? 15_000, maxWait: 10_000 },
      ));
    },
  };
}
