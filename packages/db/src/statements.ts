import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ACCOUNT_SETTING, TENANT_ROLE } from './tenant-session.ts';

/**
 * The pg client under Prisma, with two additions:
 *
 * - **Statement timing** for measurements (benchmarks, tests): `observeStatements(fn)` sees every
 *   statement sent (its SQL and the milliseconds until its answer). Costs nothing while nobody
 *   observes.
 * - **BEGIN carries the tenant session.** A tenant transaction (tenant.ts) asks, through
 *   `withTenantBegin`, that the transaction it is about to start be a tenant transaction from its
 *   first statement: the `BEGIN` Prisma sends for it goes out as one simple-protocol message
 *   `BEGIN; SELECT set_config('role', 'gantry_tenant', true), set_config('app.account_id', '<id>', true)`
 *   — one round trip instead of two. Postgres plans each statement of such a message after the
 *   previous one ran, so every statement after it runs as `gantry_tenant` under row-level security,
 *   exactly as with a separate `SELECT set_config(…)`. If the request is not met (the BEGIN is not
 *   seen, the id is not a plain identifier), the tenant transaction sends the settings itself: the
 *   request says whether it was met. (Tenant transactions take no isolation level: Prisma would send
 *   `SET TRANSACTION …` after BEGIN, and that must come before any other statement.)
 */

export interface StatementTiming {
  sql: string;
  ms: number;
}

type StatementObserver = (statement: StatementTiming) => void;

const observers = new Set<StatementObserver>();

/** Calls `observer` for every statement any client of this process sends, until the returned function is called. */
export function observeStatements(observer: StatementObserver): () => void {
  observers.add(observer);
  return () => {
    observers.delete(observer);
  };
}

function report(sql: string, started: number): void {
  const statement = { sql, ms: performance.now() - started };
  for (const observer of observers) {
    try {
      observer(statement);
    } catch {
      // Measurement only.
    }
  }
}

/** A tenant transaction about to start: its BEGIN should set the session (met: it did). */
interface TenantBeginRequest {
  readonly accountId: string;
  met: boolean;
}

const tenantBegin = new AsyncLocalStorage<TenantBeginRequest>();

/**
 * Runs `start` (which must start exactly one transaction before anything else sends a statement in
 * its async context) asking that the transaction's BEGIN also set the tenant session. Returns the
 * request: `met` says whether the session is set (read it inside the transaction, before the first
 * statement).
 */
export function withTenantBegin<T>(accountId: string, start: (request: { readonly met: boolean }) => T): T {
  const request: TenantBeginRequest = { accountId, met: false };
  return tenantBegin.run(request, () => start(request));
}

/** Ids are UUIDs; anything else is left to the parameterised statement rather than quoted into SQL. */
const PLAIN_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** The one message that starts a tenant transaction. */
function beginTenantSql(accountId: string): string {
  return `BEGIN; SELECT set_config('role', '${TENANT_ROLE}', true), set_config('${ACCOUNT_SETTING}', ${pg.escapeLiteral(accountId)}, true)`;
}

type QueryConfigLike = { text?: unknown; values?: unknown[]; name?: unknown };

function isPlainBegin(config: unknown): config is QueryConfigLike {
  if (typeof config === 'string') return config === 'BEGIN';
  if (typeof config !== 'object' || config === null) return false;
  const c = config as QueryConfigLike;
  return c.text === 'BEGIN' && !c.name && (!c.values || c.values.length === 0);
}

/** The pg client every pool of createPrismaClient uses. */
export class GantryPgClient extends pg.Client {
  // pg's query has many overloads; this wrapper passes every form through unchanged.
  override query(...args: unknown[]): never {
    const request = tenantBegin.getStore();
    let rewritten = false;
    if (request && !request.met && isPlainBegin(args[0]) && PLAIN_ID.test(request.accountId)) {
      // Claimed now, so a later BEGIN in the same async context (another transaction) is left alone.
      request.met = true;
      rewritten = true;
      const text = beginTenantSql(request.accountId);
      args[0] = typeof args[0] === 'string' ? text : { ...(args[0] as object), text, values: undefined };
    }
    if (!rewritten && observers.size === 0) return (super.query as (...a: unknown[]) => never)(...args);

    const config = args[0];
    const sql = typeof config === 'string' ? config : String((config as QueryConfigLike | undefined)?.text ?? '');
    const started = performance.now();
    // A multi-statement message answers with one result per statement: hand on BEGIN's.
    const firstResult = (result: unknown) => (rewritten && Array.isArray(result) ? result[0] : result);
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, result: unknown) => {
        if (observers.size > 0) report(sql, started);
        (callback as (e: unknown, r: unknown) => void)(error, firstResult(result));
      };
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const answer = (super.query as (...a: unknown[]) => unknown)(...args);
    if (answer && typeof (answer as Promise<unknown>).then === 'function') {
      return (answer as Promise<unknown>).then(
        (result) => {
          if (observers.size > 0) report(sql, started);
          return firstResult(result);
        },
        (error: unknown) => {
          if (observers.size > 0) report(sql, started);
          throw error;
        },
      ) as never;
    }
    return answer as never;
  }
}
