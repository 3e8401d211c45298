import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.ts';
import { forAccount } from './tenant.ts';
import { SYSTEM_ROLE, TENANT_ROLE, withTenantSession } from './tenant-session.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

// The second line of defence on its own: row-level security, with the first line (forAccount's
// injected filters) deliberately bypassed through raw SQL and unfiltered queries in a tenant
// transaction.

interface Seeded {
  accountId: string;
  userId: string;
  spaceId: string;
  stackId: string;
  runId: string;
}

let database: TestDatabase;
let prisma: PrismaClient;
let a: Seeded;
let b: Seeded;

async function seed(slug: string): Promise<Seeded> {
  const account = await prisma.account.create({ data: { slug, name: slug } });
  const user = await prisma.user.create({ data: { email: `${slug}@example.test`, name: slug, passwordHash: `scrypt$hash-of-${slug}` } });
  await prisma.membership.create({ data: { accountId: account.id, userId: user.id, role: 'ADMIN' } });
  await prisma.invitation.create({
    data: { accountId: account.id, email: `invitee@${slug}.test`, role: 'READER', tokenHash: `hash-of-${slug}`, expiresAt: new Date(Date.now() + 86_400_000) },
  });
  const space = await prisma.space.create({ data: { accountId: account.id, name: 'root' } });
  const stack = await prisma.stack.create({ data: { accountId: account.id, spaceId: space.id, name: 'net', repositoryUrl: '/srv/repo', branch: 'main' } });
  const run = await prisma.run.create({ data: { accountId: account.id, stackId: stack.id } });
  await prisma.runTransition.create({ data: { accountId: account.id, runId: run.id, toState: 'QUEUED', event: 'TRIGGER', actorKind: 'SYSTEM' } });
  await prisma.logChunk.create({ data: { accountId: account.id, runId: run.id, seq: 0, state: 'PLANNING', text: `log of ${slug}` } });
  await prisma.environmentVariable.create({ data: { accountId: account.id, stackId: stack.id, name: 'REGION', secret: false, value: slug } });
  await prisma.workspaceArchive.create({
    data: { accountId: account.id, runId: run.id, ciphertext: Buffer.from('x'), sha256: 'h', sizeBytes: 1, planFileSha256: 'p' },
  });
  await prisma.stackState.create({ data: { accountId: account.id, stackId: stack.id, version: 1, ciphertext: Buffer.from('s'), sha256: 'h', sizeBytes: 1 } });
  await prisma.auditEntry.create({ data: { accountId: account.id, actorKind: 'SYSTEM', action: 'seed', targetType: 'Account', targetId: account.id } });
  await prisma.outbox.create({ data: { accountId: account.id, queue: 'runs', jobName: 'plan', payload: {} } });
  return { accountId: account.id, userId: user.id, spaceId: space.id, stackId: stack.id, runId: run.id };
}

/** Tables holding one account's rows, by their SQL name. */
const TENANT_TABLES = [
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
  'Outbox',
] as const;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url, { poolSize: 4 });
  a = await seed('acme');
  b = await seed('globex');
  // A system job of no account.
  await prisma.outbox.create({ data: { accountId: null, queue: 'housekeeping', jobName: 'purge', payload: {} } });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe('row-level security catalog', () => {
  it('every table with an accountId column (and Account, User) forces row security with tenant and system policies', async () => {
    const tables = await prisma.$queryRaw<{ table: string; rls: boolean; forced: boolean; roles: string[] }[]>`
      SELECT c.relname::text AS "table", c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
             coalesce((SELECT array_agg(DISTINCT r.rolname::text ORDER BY r.rolname::text)
                         FROM pg_policy p CROSS JOIN LATERAL unnest(p.polroles) AS pr(oid)
                         JOIN pg_roles r ON r.oid = pr.oid
                        WHERE p.polrelid = c.oid), '{}') AS roles
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'
         AND (c.relname IN ('Account', 'User')
              OR EXISTS (SELECT 1 FROM pg_attribute at WHERE at.attrelid = c.oid AND at.attname = 'accountId' AND NOT at.attisdropped))
       ORDER BY 1`;
    expect(tables.map((t) => t.table).sort()).toEqual([...TENANT_TABLES, 'Account', 'User'].sort());
    for (const table of tables) {
      expect(table, table.table).toMatchObject({ rls: true, forced: true, roles: [SYSTEM_ROLE, TENANT_ROLE] });
    }
  });
});

describe('a tenant transaction without the first line', () => {
  it('sees only its own account’s rows in every tenant table (raw SQL, no filter)', async () => {
    const counts = await withTenantSession(prisma, a.accountId, async (tx) => {
      const out: Record<string, { total: number; other: number }> = {};
      for (const table of TENANT_TABLES) {
        const [row] = await tx.$queryRawUnsafe<{ total: number; other: number }[]>(
          `SELECT count(*)::int AS total, count(*) FILTER (WHERE "accountId" IS DISTINCT FROM $1)::int AS other FROM "${table}"`,
          a.accountId,
        );
        out[table] = row!;
      }
      return out;
    });
    for (const table of TENANT_TABLES) expect(counts[table], table).toEqual({ total: 1, other: 0 });
    // The system path sees both accounts (and the account-less system job).
    expect(await prisma.stack.count()).toBe(2);
    expect(await prisma.outbox.count()).toBe(3);
  });

  it('unfiltered Prisma queries see only its own account', async () => {
    await withTenantSession(prisma, a.accountId, async (tx) => {
      expect((await tx.stack.findMany()).map((s) => s.id)).toEqual([a.stackId]);
      expect(await tx.run.findUnique({ where: { id: b.runId } })).toBeNull();
      expect((await tx.account.findMany()).map((x) => x.id)).toEqual([a.accountId]);
      expect((await tx.logChunk.findMany()).map((c) => c.text)).toEqual(['log of acme']);
      // Members' users are visible (id, email, name only); other accounts' users are not.
      expect(await tx.user.findMany({ select: { id: true, email: true, name: true } })).toEqual([{ id: a.userId, email: 'acme@example.test', name: 'acme' }]);
    });
  });

  it('cannot change or delete another account’s rows', async () => {
    await withTenantSession(prisma, a.accountId, async (tx) => {
      expect(await tx.$executeRaw`UPDATE "Stack" SET "name" = 'pwned' WHERE "id" = ${b.stackId}`).toBe(0);
      expect(await tx.$executeRaw`DELETE FROM "Run" WHERE "id" = ${b.runId}`).toBe(0);
      expect(await tx.$executeRaw`UPDATE "Account" SET "name" = 'pwned'`).toBe(1); // its own account only
      expect(await tx.$executeRaw`UPDATE "Account" SET "name" = 'acme'`).toBe(1);
    });
    expect((await prisma.stack.findUniqueOrThrow({ where: { id: b.stackId } })).name).toBe('net');
    expect(await prisma.run.findUnique({ where: { id: b.runId } })).not.toBeNull();
    expect((await prisma.account.findUniqueOrThrow({ where: { id: b.accountId } })).name).toBe('globex');
  });

  it('cannot create rows in another account, nor move its rows there', async () => {
    await expect(
      withTenantSession(prisma, a.accountId, (tx) =>
        tx.$executeRaw`INSERT INTO "Space" ("id", "accountId", "name", "updatedAt") VALUES ('evil', ${b.accountId}, 'evil', now())`,
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenantSession(prisma, a.accountId, (tx) => tx.$executeRaw`UPDATE "Stack" SET "accountId" = ${b.accountId} WHERE "id" = ${a.stackId}`),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenantSession(prisma, a.accountId, (tx) =>
        tx.$executeRaw`INSERT INTO "Outbox" ("id", "accountId", "queue", "jobName", "payload") VALUES ('evil', NULL, 'q', 'j', '{}')`,
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await prisma.space.count({ where: { id: 'evil' } })).toBe(0);
  });

  it('cannot read password hashes, users of other accounts, or reach what it was not granted', async () => {
    await expect(withTenantSession(prisma, a.accountId, (tx) => tx.$queryRaw`SELECT "passwordHash" FROM "User"`)).rejects.toThrow(/permission denied/);
    await expect(withTenantSession(prisma, a.accountId, (tx) => tx.$queryRaw`SELECT * FROM "_prisma_migrations"`)).rejects.toThrow(/permission denied/);
    await expect(withTenantSession(prisma, a.accountId, (tx) => tx.$executeRaw`DELETE FROM "Outbox"`)).rejects.toThrow(/permission denied/);
    await expect(withTenantSession(prisma, a.accountId, (tx) => tx.$executeRaw`DELETE FROM "Account"`)).rejects.toThrow(/permission denied/);
  });

  it('without an account setting sees nothing', async () => {
    const rows = await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('role', ${TENANT_ROLE}, true)`;
      return tx.$queryRaw<{ n: number }[]>`SELECT (SELECT count(*) FROM "Stack")::int + (SELECT count(*) FROM "Account")::int AS n`;
    });
    expect(rows[0]!.n).toBe(0);
  });

  it('settings end with the transaction: the pooled connection is back on the system path', async () => {
    for (let i = 0; i < 8; i++) await withTenantSession(prisma, a.accountId, (tx) => tx.$queryRaw`SELECT 1`);
    const rows = await Promise.all(Array.from({ length: 8 }, () => prisma.$queryRaw<{ role: string; account: string | null }[]>`
      SELECT current_user::text AS role, nullif(current_setting('app.account_id', true), '') AS account`));
    for (const [row] of rows) expect(row).toEqual({ role: 'postgres', account: null });
  });
});

describe('the tenant handle runs under row-level security', () => {
  it('as the tenant role: a query needing an ungranted column is refused by the database', async () => {
    const db = forAccount(prisma, a.accountId);
    // First line allows it (Membership is tenant data); the database does not give the tenant
    // role users' password hashes.
    await expect(db.membership.findMany({ include: { user: true } })).rejects.toThrow(/permission denied/);
    await expect(db.transaction((tx) => tx.membership.findFirst({ include: { user: true } }))).rejects.toThrow(/permission denied/);
    const members = await db.membership.findMany({ include: { user: { select: { id: true, email: true, name: true } } } });
    expect(members.map((m) => m.user.id)).toEqual([a.userId]);
  });

  it('reads, writes, locks and cascades its own rows', async () => {
    const db = forAccount(prisma, b.accountId);
    const stack = await db.stack.create({ data: { accountId: db.accountId, spaceId: b.spaceId, name: 'tmp', repositoryUrl: '/r', branch: 'main' } });
    const run = await db.run.create({ data: { accountId: db.accountId, stackId: stack.id } });
    await db.transaction(async (tx) => {
      expect(await tx.lockStack(stack.id)).toBe(true);
      expect(await tx.lockRun(run.id)).toEqual({ id: run.id, stackId: stack.id });
      await tx.runTransition.create({ data: { accountId: tx.accountId, runId: run.id, toState: 'QUEUED', event: 'TRIGGER', actorKind: 'SYSTEM' } });
      await tx.outbox.create({ data: { accountId: tx.accountId, queue: 'runs', jobName: 'plan', payload: { runId: run.id } } });
    });
    await db.stack.delete({ where: { id: stack.id } });
    expect(await prisma.run.count({ where: { id: run.id } })).toBe(0);
  });
});

describe('a non-superuser login role (how production should connect)', () => {
  const suffix = randomBytes(4).toString('hex');
  const appRole = `gantry_it_app_${suffix}`;
  const tenantOnlyRole = `gantry_it_tenant_only_${suffix}`;
  const admin = () => new pg.Client({ connectionString: database.url });
  const urlFor = (role: string) => {
    const u = new URL(database.url);
    u.username = role;
    return u.toString();
  };

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE ROLE ${appRole} LOGIN IN ROLE ${SYSTEM_ROLE}, ${TENANT_ROLE}`);
    await c.query(`CREATE ROLE ${tenantOnlyRole} LOGIN IN ROLE ${TENANT_ROLE}`);
    await c.end();
  });

  afterAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`DROP ROLE IF EXISTS ${appRole}`);
    await c.query(`DROP ROLE IF EXISTS ${tenantOnlyRole}`);
    await c.end();
  });

  it('member of the system role: the raw client sees every account, tenant handles only their own', async () => {
    const app = createPrismaClient(urlFor(appRole), { poolSize: 2 });
    try {
      expect(await app.stack.count()).toBe(2);
      expect(await app.user.count()).toBe(2);
      const db = forAccount(app, a.accountId);
      expect((await db.stack.findMany({})).map((s) => s.id)).toEqual([a.stackId]);
      const seen = await withTenantSession(app, a.accountId, (tx) => tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Run"`);
      expect(seen[0]!.n).toBe(1);
    } finally {
      await app.$disconnect();
    }
  });

  it('not a member of the system role: the raw client sees no tenant rows at all (forced row security)', async () => {
    const c = new pg.Client({ connectionString: urlFor(tenantOnlyRole) });
    await c.connect();
    try {
      const r = await c.query(`SELECT (SELECT count(*) FROM "Stack")::int AS stacks, (SELECT count(*) FROM "Run")::int AS runs`);
      expect(r.rows[0]).toEqual({ stacks: 0, runs: 0 });
    } finally {
      await c.end();
    }
  });
});
