import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.ts';
import { forAccount, TenantScopeViolation, verifyResult } from './tenant.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

let database: TestDatabase;
let prisma: PrismaClient;
let a: { accountId: string; spaceId: string; stackId: string; runId: string };
let b: { accountId: string; spaceId: string; stackId: string; runId: string };

async function seed(slug: string) {
  const account = await prisma.account.create({ data: { slug, name: slug } });
  const db = forAccount(prisma, account.id);
  const space = await db.space.create({ data: { accountId: db.accountId, name: 'root' } });
  const stack = await db.stack.create({
    data: { accountId: db.accountId, spaceId: space.id, name: 'net', repositoryUrl: '/srv/repo', branch: 'main' },
  });
  const run = await db.run.create({ data: { accountId: db.accountId, stackId: stack.id } });
  return { accountId: account.id, spaceId: space.id, stackId: stack.id, runId: run.id };
}

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url, { poolSize: 4 });
  a = await seed('acme');
  b = await seed('globex');
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe('forAccount', () => {
  it('stamps created rows with the account', async () => {
    const stack = await prisma.stack.findUniqueOrThrow({ where: { id: a.stackId } });
    expect(stack.accountId).toBe(a.accountId);
  });

  it('does not see or change another account’s rows', async () => {
    const db = forAccount(prisma, b.accountId);
    expect(await db.stack.findUnique({ where: { id: a.stackId } })).toBeNull();
    expect(await db.stack.findMany({})).toHaveLength(1);
    expect(await db.run.count()).toBe(1);
    await expect(db.stack.update({ where: { id: a.stackId }, data: { name: 'pwned' } })).rejects.toMatchObject({ code: 'P2025' });
    expect(await db.stack.updateMany({ where: { id: a.stackId }, data: { name: 'pwned' } })).toEqual({ count: 0 });
    expect(await db.run.deleteMany({ where: { id: a.runId } })).toEqual({ count: 0 });
    await expect(db.stack.delete({ where: { id: a.stackId } })).rejects.toMatchObject({ code: 'P2025' });
    expect((await prisma.stack.findUniqueOrThrow({ where: { id: a.stackId } })).name).toBe('net');
  });

  it('refuses to create or move rows into another account', async () => {
    const db = forAccount(prisma, b.accountId);
    await expect(
      db.stack.create({ data: { accountId: a.accountId, spaceId: a.spaceId, name: 'x', repositoryUrl: '/r', branch: 'main' } }),
    ).rejects.toBeInstanceOf(TenantScopeViolation);
    await expect(db.stack.updateMany({ where: {}, data: { accountId: a.accountId } })).rejects.toBeInstanceOf(TenantScopeViolation);
    await expect(db.stack.findMany({ where: { accountId: a.accountId } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('cannot point a row at another account’s parent (composite foreign keys)', async () => {
    const db = forAccount(prisma, b.accountId);
    await expect(db.run.create({ data: { accountId: db.accountId, stackId: a.stackId } })).rejects.toThrow();
    await expect(
      db.stack.create({ data: { accountId: db.accountId, spaceId: a.spaceId, name: 'other-space', repositoryUrl: '/r', branch: 'main' } }),
    ).rejects.toThrow();
  });

  it('scopes the Account model by its id', async () => {
    const db = forAccount(prisma, a.accountId);
    expect((await db.account.findFirst({}))?.id).toBe(a.accountId);
    expect(await db.account.findMany({})).toHaveLength(1);
    await expect(db.account.findUnique({ where: { id: b.accountId } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps selected rows verifiable and includes scoped', async () => {
    const db = forAccount(prisma, a.accountId);
    const runs = await db.run.findMany({ select: { id: true }, where: {} });
    expect(runs).toEqual([{ id: a.runId, accountId: a.accountId }]);
    const withStack = await db.run.findMany({ include: { stack: true } });
    expect(withStack[0]?.stack.id).toBe(a.stackId);
  });

  it('exposes no raw SQL and no global models', () => {
    const db = forAccount(prisma, a.accountId) as unknown as Record<string, unknown>;
    for (const key of ['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe', 'user', '$transaction'])
      expect(db[key]).toBeUndefined();
    expect((db.outbox as Record<string, unknown>).findMany).toBeUndefined();
  });

  it('appends to the outbox with the account stamped', async () => {
    const row = await forAccount(prisma, a.accountId).outbox.create({ data: { accountId: a.accountId, queue: 'q', jobName: 'j', payload: {} } });
    expect(row.accountId).toBe(a.accountId);
  });

  it('scopes transactions and row locks', async () => {
    const db = forAccount(prisma, b.accountId);
    await db.transaction(async (tx) => {
      expect(await tx.lockRun(a.runId)).toBeNull();
      expect(await tx.lockStack(a.stackId)).toBe(false);
      expect(await tx.lockRun(b.runId)).toEqual({ id: b.runId, stackId: b.stackId });
      expect(await tx.lockStack(b.stackId)).toBe(true);
      expect(await tx.stack.findUnique({ where: { id: a.stackId } })).toBeNull();
      const created = await tx.runTransition.create({
        data: { accountId: tx.accountId, runId: b.runId, toState: 'QUEUED', event: 'CREATE', actorKind: 'SYSTEM' },
      });
      expect(created.accountId).toBe(b.accountId);
    });
  });

  it('a lock blocks a concurrent locker until commit', async () => {
    const db = forAccount(prisma, a.accountId);
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = db.transaction(async (tx) => {
      await tx.lockRun(a.runId);
      order.push('first locked');
      await held;
      order.push('first done');
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = db.transaction(async (tx) => {
      await tx.lockRun(a.runId);
      order.push('second locked');
    });
    await new Promise((r) => setTimeout(r, 100));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first done', 'second locked']);
  });

  it('verifies results deeply', () => {
    expect(() => verifyResult([{ accountId: 'a', stack: { accountId: 'b' } }], 'a', 'Run')).toThrow(TenantScopeViolation);
    expect(() => verifyResult([{ accountId: 'a', stack: { accountId: 'a', at: new Date() } }], 'a', 'Run')).not.toThrow();
  });
});
