import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.ts';
import { observeStatements, withTenantBegin, type StatementTiming } from './statements.ts';
import { forAccount } from './tenant.ts';
import { TENANT_ROLE } from './tenant-session.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

// The pg client under Prisma (statements.ts): a tenant transaction's BEGIN carries its session
// settings (one round trip), and statements can be observed.

let database: TestDatabase;
let prisma: PrismaClient;
let accountId: string;
let otherAccountId: string;

async function seed(slug: string): Promise<string> {
  const account = await prisma.account.create({ data: { slug, name: slug } });
  const space = await prisma.space.create({ data: { accountId: account.id, name: 'root' } });
  await prisma.stack.create({ data: { accountId: account.id, spaceId: space.id, name: 'net', repositoryUrl: '/srv/repo', branch: 'main' } });
  return account.id;
}

async function recorded<T>(fn: () => Promise<T>): Promise<{ result: T; statements: StatementTiming[] }> {
  const statements: StatementTiming[] = [];
  const stop = observeStatements((statement) => statements.push(statement));
  try {
    return { result: await fn(), statements };
  } finally {
    stop();
  }
}

type Session = { role: string; account: string | null; stacks: number };

const sessionOf = (tx: Pick<PrismaClient, '$queryRaw'>) =>
  tx.$queryRaw<Session[]>`SELECT current_user::text AS role, nullif(current_setting('app.account_id', true), '') AS account, (SELECT count(*) FROM "Stack")::int AS stacks`.then(
    (rows) => rows[0]!,
  );

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url, { poolSize: 4 });
  accountId = await seed('acme');
  otherAccountId = await seed('globex');
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe('BEGIN carries the tenant session', () => {
  it('a standalone operation of the handle is three round trips: BEGIN with the settings, the query, COMMIT', async () => {
    const db = forAccount(prisma, accountId);
    const { result, statements } = await recorded(() => db.stack.findMany({}));
    expect(result).toHaveLength(1);
    expect(statements.map((s) => s.sql.split(/\s/)[0])).toEqual(['BEGIN;', 'SELECT', 'COMMIT']);
    expect(statements[0]!.sql).toContain(`set_config('role', '${TENANT_ROLE}', true)`);
  });

  it('the transaction runs as the tenant role with the account set, under row-level security, from its first statement', async () => {
    const seen = await withTenantBegin(accountId, (begin) => prisma.$transaction(async (tx) => ({ met: begin.met, session: await sessionOf(tx) })));
    expect(seen).toEqual({ met: true, session: { role: TENANT_ROLE, account: accountId, stacks: 1 } });
  });

  it('is only for the first transaction started: one started inside it (another connection) is left alone', async () => {
    const seen = await withTenantBegin(accountId, (begin) =>
      prisma.$transaction(async (tx) => {
        const inner = await prisma.$transaction((other) => sessionOf(other));
        return { met: begin.met, outer: await sessionOf(tx), inner };
      }),
    );
    expect(seen.met).toBe(true);
    expect(seen.outer).toEqual({ role: TENANT_ROLE, account: accountId, stacks: 1 });
    expect(seen.inner).toEqual({ role: 'postgres', account: null, stacks: 2 });
  });

  it('an account id that is not a plain identifier is never quoted into SQL: the request is not met', async () => {
    const weird = "x'); SELECT set_config('role', 'postgres', false); --";
    const met = await withTenantBegin(weird, (begin) => prisma.$transaction(async (tx) => (await sessionOf(tx), begin.met)));
    expect(met).toBe(false);
    // …and the handle then sets the session itself (parameterised): it sees nothing.
    expect(await forAccount(prisma, weird).stack.findMany({})).toEqual([]);
  });

  it('settings end with the transaction, committed or rolled back', async () => {
    await forAccount(prisma, accountId).transaction(async (tx) => tx.stack.findMany({}));
    await expect(
      forAccount(prisma, otherAccountId).transaction(async (tx) => {
        await tx.stack.findMany({});
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const sessions = await Promise.all(Array.from({ length: 6 }, () => sessionOf(prisma)));
    for (const session of sessions) expect(session).toEqual({ role: 'postgres', account: null, stacks: 2 });
  });
});

describe('observeStatements', () => {
  it('sees every statement with its duration until it stops observing', async () => {
    const { statements } = await recorded(() => prisma.$queryRaw`SELECT pg_sleep(0.02)::text`);
    expect(statements).toHaveLength(1);
    expect(statements[0]!.sql).toContain('pg_sleep');
    expect(statements[0]!.ms).toBeGreaterThanOrEqual(15);
    const after: StatementTiming[] = [];
    observeStatements((s) => after.push(s))();
    await prisma.$queryRaw`SELECT 1`;
    expect(after).toEqual([]);
  });
});
