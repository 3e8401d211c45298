import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.ts';
import { Prisma } from './generated/prisma/client.ts';
import { appendLogChunksStatement, logMaxSeqStatement } from './log-statements.ts';
import { phaseInputsStatement } from './phase-input-statements.ts';
import {
  createRunStatement,
  lockRunStatement,
  runTransitionStatement,
  RUN_COLUMNS_NOT_SETTABLE,
  SETTABLE_RUN_COLUMNS,
  stackQueueStatement,
  type RunColumns,
  type RunTransitionWrite,
} from './run-statements.ts';
import { forAccount, TenantScopeViolation } from './tenant.ts';
import { withTenantSession } from './tenant-session.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

// The hot-path statements of a run (run-statements.ts, log-statements.ts,
// phase-input-statements.ts): what each writes, that
// row-level security alone keeps them inside the tenant's account, and how they lock.

interface Seeded {
  accountId: string;
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
  const space = await prisma.space.create({ data: { accountId: account.id, name: 'root' } });
  const stack = await prisma.stack.create({ data: { accountId: account.id, spaceId: space.id, name: 'net', repositoryUrl: '/srv/repo', branch: 'main' } });
  const run = await prisma.run.create({ data: { accountId: account.id, stackId: stack.id, state: 'APPLYING' } });
  return { accountId: account.id, spaceId: space.id, stackId: stack.id, runId: run.id };
}

const at = new Date('2026-11-25T10:00:00.123Z');

function write(runId: string, set: RunColumns = { state: 'FINISHED' }): RunTransitionWrite {
  return {
    runId,
    set,
    updatedAt: at,
    history: { fromState: 'APPLYING', toState: set.state ?? 'FINISHED', event: 'APPLY_SUCCEEDED', actorKind: 'WORKER', actorId: 'w1', actorName: 'worker w1', reason: 'done', at },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.url, { poolSize: 6 });
  a = await seed('acme');
  b = await seed('globex');
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

describe('run statements', () => {
  it('every Run column is either settable by a transition or deliberately not', () => {
    const all = Object.values(Prisma.RunScalarFieldEnum).sort();
    expect([...SETTABLE_RUN_COLUMNS, ...RUN_COLUMNS_NOT_SETTABLE].sort()).toEqual(all);
  });

  it('a transition writes the run (every settable column), its timeline row, outbox job and state version, and deletes the archive', async () => {
    const { runId, stackId } = await seed('transition');
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    await prisma.workspaceArchive.create({ data: { accountId: run.accountId, runId, ciphertext: Buffer.from('x'), sha256: 'h', sizeBytes: 1, planFileSha256: 'p' } });
    const later = new Date(at.getTime() + 60_000);
    const set: Required<RunColumns> = {
      state: 'FINISHED',
      commitSha: 'c'.repeat(40),
      commitMessage: 'It’s “quoted”; with \\, $1 and -- in it',
      queueReason: null,
      planSummary: { add: 1, change: 2, destroy: 0, replace: 0 },
      resourceChangesCiphertext: new Uint8Array([0, 1, 2, 255]),
      hasChanges: true,
      planFileSha256: 'f'.repeat(64),
      confirmedById: 'u1',
      confirmedByName: 'Ada',
      confirmedAt: later,
      error: null,
      leaseOwner: null,
      leaseToken: null,
      leaseExpiresAt: null,
      heartbeatAt: later,
      phaseAttempts: 3,
      startedAt: at,
      finishedAt: later,
    };
    const db = forAccount(prisma, run.accountId);
    const written = await db.transaction(async (tx) => {
      const locked = await tx.lockRunAndStack(runId, stackId);
      expect(locked?.run.state).toBe('APPLYING');
      expect(locked?.stack.id).toBe(stackId);
      const { run: written, queue } = await tx.writeRunTransition({
        ...write(runId, set),
        outbox: { queue: 'runs', jobName: 'plan', payload: { accountId: run.accountId, runId, phase: 'plan' } },
        deleteArchive: true,
        stackState: { stackId, version: 1, serial: 4, lineage: 'l', ciphertext: new Uint8Array([9, 8]), sha256: 's', sizeBytes: 2, runId },
        logChunks: [
          { seq: 0, state: 'APPLYING', text: 'Apply complete!\n' },
          { seq: 1, state: 'APPLYING', text: 'quotes \' " \\ ✓\n' },
        ],
      });
      expect(queue).toBeNull();
      return written;
    });
    const stored = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    // What the statement returns is the row as Prisma reads it.
    expect(written).toEqual(stored);
    expect(stored).toMatchObject({ ...set, resourceChangesCiphertext: new Uint8Array([0, 1, 2, 255]), updatedAt: at });
    expect(await prisma.runTransition.findMany({ where: { runId }, select: { fromState: true, toState: true, event: true, actorKind: true, actorId: true, actorName: true, reason: true, at: true } })).toEqual([
      { fromState: 'APPLYING', toState: 'FINISHED', event: 'APPLY_SUCCEEDED', actorKind: 'WORKER', actorId: 'w1', actorName: 'worker w1', reason: 'done', at },
    ]);
    const outbox = await prisma.outbox.findMany({ where: { accountId: run.accountId } });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ queue: 'runs', jobName: 'plan', payload: { accountId: run.accountId, runId, phase: 'plan' }, publishedAt: null, attempts: 0 });
    expect(outbox[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await prisma.workspaceArchive.count({ where: { runId } })).toBe(0);
    expect(await prisma.stackState.findMany({ where: { stackId }, select: { version: true, serial: true, lineage: true, ciphertext: true, runId: true } })).toEqual([
      { version: 1, serial: 4, lineage: 'l', ciphertext: new Uint8Array([9, 8]), runId },
    ]);
    // Stored as of the transition's time.
    expect(await prisma.logChunk.findMany({ where: { runId }, orderBy: { seq: 'asc' }, select: { accountId: true, seq: true, state: true, text: true, createdAt: true } })).toEqual([
      { accountId: run.accountId, seq: 0, state: 'APPLYING', text: 'Apply complete!\n', createdAt: at },
      { accountId: run.accountId, seq: 1, state: 'APPLYING', text: 'quotes \' " \\ ✓\n', createdAt: at },
    ]);
  });

  it('increments phaseAttempts in place', async () => {
    const { runId, accountId } = await seed('attempts');
    const db = forAccount(prisma, accountId);
    for (let i = 0; i < 2; i++) {
      await db.transaction(async (tx) => {
        await tx.lockRunAndStack(runId);
        await tx.writeRunTransition(write(runId, { state: 'APPLYING', phaseAttempts: { increment: 1 } }));
      });
    }
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).phaseAttempts).toBe(2);
  });

  it('creates a run with its timeline row and audit entry', async () => {
    const db = forAccount(prisma, a.accountId);
    const { run: created } = await db.transaction((tx) =>
      tx.createRun({
        run: { stackId: a.stackId, type: 'PROPOSED', state: 'QUEUED', commitSha: null, commitMessage: null, triggeredById: 'u1', triggeredByName: 'Ada', triggerReason: 'MANUAL', retryOfId: null, createdAt: at },
        history: { fromState: null, event: 'TRIGGER', actorKind: 'USER', actorId: 'u1', actorName: 'Ada', reason: null, at },
        audit: { actorKind: 'USER', actorId: 'u1', action: 'run.trigger', data: { stackId: a.stackId, type: 'PROPOSED' } },
      }),
    );
    expect(created).toEqual(await prisma.run.findUniqueOrThrow({ where: { id: created.id } }));
    expect(created).toMatchObject({ accountId: a.accountId, type: 'PROPOSED', state: 'QUEUED', triggeredByName: 'Ada', createdAt: at, phaseAttempts: 0 });
    expect(await prisma.runTransition.findMany({ where: { runId: created.id }, select: { fromState: true, toState: true, event: true } })).toEqual([
      { fromState: null, toState: 'QUEUED', event: 'TRIGGER' },
    ]);
    expect(await prisma.auditEntry.findMany({ where: { targetId: created.id }, select: { action: true, targetType: true, data: true, accountId: true } })).toEqual([
      { action: 'run.trigger', targetType: 'Run', data: { stackId: a.stackId, type: 'PROPOSED' }, accountId: a.accountId },
    ]);
    await prisma.run.delete({ where: { id: created.id } });
  });

  it('reads a stack’s lock reason and queue in one statement', async () => {
    const { accountId, stackId, runId } = await seed('queue');
    const make = (state: 'QUEUED' | 'PLANNING' | 'FINISHED', type: 'TRACKED' | 'PROPOSED', minutes: number) =>
      prisma.run.create({ data: { accountId, stackId, state, type, createdAt: new Date(at.getTime() + minutes * 60_000) } });
    await make('FINISHED', 'TRACKED', 1);
    const holder = await make('PLANNING', 'TRACKED', 2);
    await make('PLANNING', 'PROPOSED', 0); // proposed runs do not hold the lock
    const first = await make('QUEUED', 'TRACKED', 3);
    await make('QUEUED', 'TRACKED', 4);
    await make('QUEUED', 'PROPOSED', 0);
    await prisma.stack.update({ where: { id: stackId }, data: { lockedReason: 'broken' } });
    await prisma.run.update({ where: { id: runId }, data: { createdAt: at } });
    const filter = { lockTakingTypes: ['TRACKED', 'TASK'] as const, holdingStates: ['READY', 'PLANNING', 'APPLYING'] as const };
    const db = forAccount(prisma, accountId);
    // The seeded APPLYING run is the oldest holder (created first).
    expect(await db.transaction((tx) => tx.stackQueue(stackId, filter))).toEqual({ lockedReason: 'broken', holderId: runId, nextQueuedId: first.id, queued: 2 });
    await prisma.run.delete({ where: { id: runId } });
    expect(await db.transaction((tx) => tx.stackQueue(stackId, filter))).toMatchObject({ holderId: holder.id });
    expect(await db.transaction((tx) => tx.stackQueue(a.stackId, filter))).toBeNull();
  });
});

describe('the queue read with a write', () => {
  const filter = { lockTakingTypes: ['TRACKED', 'TASK'] as const, holdingStates: ['READY', 'PLANNING', 'APPLYING'] as const };

  it('a transition releasing the lock reads the queue without its own run', async () => {
    const { accountId, stackId, runId } = await seed('release');
    const waiting = await prisma.run.create({ data: { accountId, stackId, state: 'QUEUED' } });
    const db = forAccount(prisma, accountId);
    const { run, queue } = await db.transaction(async (tx) => {
      await tx.lockRunAndStack(runId);
      return tx.writeRunTransition({ ...write(runId), queueOf: filter });
    });
    expect(run.state).toBe('FINISHED');
    expect(queue).toEqual({ lockedReason: null, holderId: null, nextQueuedId: waiting.id, queued: 1 });
  });

  it('a created run reads the queue as it was before it', async () => {
    const { accountId, stackId, runId: holder } = await seed('create-queue');
    const db = forAccount(prisma, accountId);
    const create = {
      run: { stackId, type: 'TRACKED' as const, state: 'QUEUED' as const, commitSha: null, commitMessage: null, triggeredById: null, triggeredByName: null, triggerReason: 'MANUAL' as const, retryOfId: null, createdAt: new Date() },
      history: { fromState: null, event: 'TRIGGER', actorKind: 'SYSTEM' as const, actorId: null, actorName: null, reason: null, at: new Date() },
      audit: null,
      queueOf: filter,
    };
    const first = await db.transaction(async (tx) => (await tx.lockStack(stackId), tx.createRun(create)));
    expect(first.queue).toEqual({ lockedReason: null, holderId: holder, nextQueuedId: null, queued: 0 });
    const second = await db.transaction(async (tx) => (await tx.lockStack(stackId), tx.createRun(create)));
    expect(second.queue).toEqual({ lockedReason: null, holderId: holder, nextQueuedId: first.run.id, queued: 1 });
  });
});

describe('row-level security alone keeps the run statements inside the account', () => {
  // Statements built for account a, run in b's tenant transaction: the first line (their accountId
  // filters) is wrong on purpose; the database must still refuse everything of a.
  it('cannot lock, change or read another account’s run and stack', async () => {
    const before = await prisma.run.findUniqueOrThrow({ where: { id: a.runId } });
    await withTenantSession(prisma, b.accountId, async (tx) => {
      expect(await tx.$queryRaw(lockRunStatement(a.accountId, a.runId, null))).toEqual([]);
      expect(await tx.$queryRaw(lockRunStatement(a.accountId, a.runId, a.stackId))).toEqual([]);
      expect(
        await tx.$queryRaw(
          runTransitionStatement(a.accountId, {
            ...write(a.runId, { state: 'FAILED', error: 'pwned' }),
            outbox: { queue: 'runs', jobName: 'plan', payload: {} },
            deleteArchive: true,
            stackState: { stackId: a.stackId, version: 99, serial: null, lineage: null, ciphertext: new Uint8Array([1]), sha256: 'x', sizeBytes: 1, runId: a.runId },
            logChunks: [{ seq: 50, state: 'FAILED', text: 'pwned' }],
          }),
        ),
      ).toEqual([]);
      expect(await tx.$queryRaw(stackQueueStatement(a.accountId, a.stackId, { lockTakingTypes: ['TRACKED'], holdingStates: ['APPLYING'] }))).toEqual([]);
    });
    expect(await prisma.run.findUniqueOrThrow({ where: { id: a.runId } })).toEqual(before);
    expect(await prisma.runTransition.count({ where: { runId: a.runId } })).toBe(0);
    expect(await prisma.stackState.count({ where: { stackId: a.stackId } })).toBe(0);
    expect(await prisma.outbox.count({ where: { accountId: a.accountId } })).toBe(0);
    expect(await prisma.logChunk.count({ where: { runId: a.runId, seq: 50 } })).toBe(0);
  });

  it('cannot create a run in another account', async () => {
    await expect(
      withTenantSession(prisma, b.accountId, (tx) =>
        tx.$queryRaw(
          createRunStatement(a.accountId, {
            run: { stackId: a.stackId, type: 'TRACKED', state: 'QUEUED', commitSha: null, commitMessage: null, triggeredById: null, triggeredByName: null, triggerReason: 'MANUAL', retryOfId: null, createdAt: at },
            history: { fromState: null, event: 'TRIGGER', actorKind: 'SYSTEM', actorId: null, actorName: null, reason: null, at },
            audit: null,
          }),
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await prisma.run.count({ where: { accountId: a.accountId } })).toBe(1);
  });

  it('through the handle: another account’s run is not found and not written', async () => {
    const db = forAccount(prisma, b.accountId);
    await db.transaction(async (tx) => {
      expect(await tx.lockRunAndStack(a.runId)).toBeNull();
      // Another account's stack as the hint for its own run: not found either.
      expect(await tx.lockRunAndStack(b.runId, a.stackId)).toBeNull();
    });
    await expect(db.transaction((tx) => tx.writeRunTransition(write(a.runId, { state: 'FAILED' })))).rejects.toBeInstanceOf(TenantScopeViolation);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: a.runId } })).state).toBe('APPLYING');
  });
});

describe('locking', () => {
  it('waits for the transaction holding the run and returns the run as that one committed it', async () => {
    const { accountId, runId } = await seed('wait');
    const db = forAccount(prisma, accountId);
    let locked!: () => void;
    const firstLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = db.transaction(async (tx) => {
      await tx.lockRunAndStack(runId);
      locked();
      await sleep(300);
      await tx.writeRunTransition(write(runId, { state: 'FAILED', error: 'first' }));
    });
    await firstLocked;
    const started = Date.now();
    const seen = await db.transaction(async (tx) => (await tx.lockRunAndStack(runId))!.run);
    await first;
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(seen).toMatchObject({ state: 'FAILED', error: 'first' });
  });

  it('locks the stack before the run (the order every transaction uses), so a held stack leaves the run unlocked', async () => {
    const { accountId, runId, stackId } = await seed('order');
    const db = forAccount(prisma, accountId);
    let locked!: () => void;
    const stackLocked = new Promise<void>((resolve) => (locked = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const holder = db.transaction(async (tx) => {
      await tx.lockStack(stackId);
      locked();
      await released;
    });
    await stackLocked;
    const waiting = db.transaction((tx) => tx.lockRunAndStack(runId));
    await sleep(150);
    // The waiting transaction has not taken the run: another may lock it without waiting.
    const runFree = await prisma.$transaction((tx) => tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Run" WHERE "id" = ${runId} FOR UPDATE NOWAIT`);
    expect(runFree).toHaveLength(1);
    release();
    await holder;
    expect((await waiting)?.run.id).toBe(runId);
  });
});

describe('log statements', () => {
  const stored = (runId: string) =>
    prisma.logChunk.findMany({ where: { runId }, orderBy: { seq: 'asc' }, select: { accountId: true, seq: true, state: true, text: true } });

  it('append chunks of any text, leave stored seqs as they are, and read the highest seq', async () => {
    const db = forAccount(prisma, a.accountId);
    expect(await db.logMaxSeq(a.runId)).toBeNull();
    const odd = 'quotes \' " and \\ backslash, unicode ✓, {braces}, NULL\n';
    await db.appendLogChunks(a.runId, [
      { seq: 0, state: 'PLANNING', text: 'Plan: 1 to add\n' },
      { seq: 1, state: 'PLANNING', text: odd },
    ]);
    // A retried flush: seq 1 again (the first stored stays) and a new one.
    await db.appendLogChunks(a.runId, [
      { seq: 1, state: 'PLANNING', text: 'retried' },
      { seq: 2, state: 'APPLYING', text: '' },
    ]);
    await db.appendLogChunks(a.runId, []);
    expect(await stored(a.runId)).toEqual([
      { accountId: a.accountId, seq: 0, state: 'PLANNING', text: 'Plan: 1 to add\n' },
      { accountId: a.accountId, seq: 1, state: 'PLANNING', text: odd },
      { accountId: a.accountId, seq: 2, state: 'APPLYING', text: '' },
    ]);
    expect(await db.logMaxSeq(a.runId)).toBe(2);
    // All or none: a batch with an unknown state stores nothing.
    await expect(db.appendLogChunks(a.runId, [{ seq: 10, state: 'PLANNING', text: 'x' }, { seq: 11, state: 'NOT_A_STATE' as never, text: 'y' }])).rejects.toThrow();
    expect(await db.logMaxSeq(a.runId)).toBe(2);
  });

  it('row-level security alone: cannot append to or read another account’s log; nor through the handle', async () => {
    await expect(
      withTenantSession(prisma, b.accountId, (tx) => tx.$executeRaw(appendLogChunksStatement(a.accountId, a.runId, [{ seq: 7, state: 'PLANNING', text: 'pwned' }]))),
    ).rejects.toThrow(/row-level security/);
    expect(await withTenantSession(prisma, b.accountId, (tx) => tx.$queryRaw(logMaxSeqStatement(a.accountId, a.runId)))).toEqual([{ maxSeq: null }]);
    const db = forAccount(prisma, b.accountId);
    await expect(db.appendLogChunks(a.runId, [{ seq: 7, state: 'PLANNING', text: 'pwned' }])).rejects.toThrow();
    expect(await db.logMaxSeq(a.runId)).toBeNull();
    expect(await prisma.logChunk.count({ where: { runId: a.runId, seq: 7 } })).toBe(0);
  });
});

describe('phase inputs statement', () => {
  // A stack of its own: the other tests count a's state versions.
  it('reads the variables by name and the newest state version; row-level security alone keeps it inside the account', async () => {
    const stack = await prisma.stack.create({ data: { accountId: a.accountId, spaceId: a.spaceId, name: 'inputs', repositoryUrl: '/srv/repo', branch: 'main' } });
    const db = forAccount(prisma, a.accountId);
    const inputsOf = async (handle: typeof db) => {
      const { variables, state } = await handle.transaction((tx) => tx.phaseStart(stack.id, a.runId));
      return { variables, state };
    };
    expect(await inputsOf(db)).toEqual({ variables: [], state: null });
    const scoped = { accountId: a.accountId, stackId: stack.id };
    await prisma.environmentVariable.createMany({
      data: [
        { ...scoped, name: 'ZETA', secret: false, value: 'z', ciphertext: null },
        { ...scoped, name: 'ALPHA', secret: true, value: null, ciphertext: new Uint8Array([1, 2, 3]) },
        { ...scoped, name: 'MID', secret: false, value: 'm', ciphertext: null },
      ],
    });
    for (const version of [1, 3, 2])
      await prisma.stackState.create({ data: { ...scoped, version, ciphertext: new Uint8Array([version, 9]), sha256: `sha-${version}`, sizeBytes: 2 } });
    const inputs = await inputsOf(db);
    expect(inputs.variables.map((v) => ({ ...v, ciphertext: v.ciphertext && [...v.ciphertext] }))).toEqual([
      { name: 'ALPHA', secret: true, value: null, ciphertext: [1, 2, 3] },
      { name: 'MID', secret: false, value: 'm', ciphertext: null },
      { name: 'ZETA', secret: false, value: 'z', ciphertext: null },
    ]);
    expect({ ...inputs.state, ciphertext: [...inputs.state!.ciphertext] }).toEqual({ version: 3, ciphertext: [3, 9], sha256: 'sha-3' });
    // Another account: nothing through its handle, nothing by row-level security alone.
    expect(await inputsOf(forAccount(prisma, b.accountId))).toEqual({ variables: [], state: null });
    expect(await withTenantSession(prisma, b.accountId, (tx) => tx.$queryRaw(phaseInputsStatement(a.accountId, stack.id, a.runId)))).toEqual([
      { kind: 'l', name: null, secret: null, value: null, ciphertext: null, version: null, sha256: null },
    ]);
  });

  it('in a transaction, phaseStart adds the run log’s highest seq; another account reads none of it', async () => {
    const stack = await prisma.stack.create({ data: { accountId: a.accountId, spaceId: a.spaceId, name: 'phase-start', repositoryUrl: '/srv/repo', branch: 'main' } });
    const run = await prisma.run.create({ data: { accountId: a.accountId, stackId: stack.id, state: 'READY' } });
    const scoped = { accountId: a.accountId, stackId: stack.id };
    await prisma.environmentVariable.create({ data: { ...scoped, name: 'ONE', secret: false, value: '1', ciphertext: null } });
    const db = forAccount(prisma, a.accountId);
    expect(await db.transaction((tx) => tx.phaseStart(stack.id, run.id))).toEqual({
      variables: [{ name: 'ONE', secret: false, value: '1', ciphertext: null }],
      state: null,
      logMaxSeq: null,
    });
    await db.appendLogChunks(run.id, [0, 1, 2, 3].map((seq) => ({ seq, state: 'PLANNING' as const, text: `line ${seq}\n` })));
    await prisma.stackState.create({ data: { ...scoped, version: 1, ciphertext: new Uint8Array([7]), sha256: 'sha-1', sizeBytes: 1 } });
    const start = await db.transaction((tx) => tx.phaseStart(stack.id, run.id));
    expect(start.logMaxSeq).toBe(3);
    expect(start.state?.version).toBe(1);
    // Another account: nothing through its handle, nothing by row-level security alone.
    expect(await forAccount(prisma, b.accountId).transaction((tx) => tx.phaseStart(stack.id, run.id))).toEqual({ variables: [], state: null, logMaxSeq: null });
    expect(await withTenantSession(prisma, b.accountId, (tx) => tx.$queryRaw(phaseInputsStatement(a.accountId, stack.id, run.id)))).toEqual([
      { kind: 'l', name: null, secret: null, value: null, ciphertext: null, version: null, sha256: null },
    ]);
  });

  it('in a transaction, appendLogChunks stores with the transaction or not at all', async () => {
    const db = forAccount(prisma, a.accountId);
    const run = await prisma.run.create({ data: { accountId: a.accountId, stackId: a.stackId, state: 'READY' } });
    await expect(
      db.transaction(async (tx) => {
        await tx.appendLogChunks(run.id, [{ seq: 0, state: 'APPLYING', text: 'rolled back\n' }]);
        throw new Error('the transaction fails');
      }),
    ).rejects.toThrow('the transaction fails');
    expect(await db.logMaxSeq(run.id)).toBeNull();
    await db.transaction((tx) => tx.appendLogChunks(run.id, [{ seq: 0, state: 'APPLYING', text: 'kept\n' }]));
    expect(await db.logMaxSeq(run.id)).toBe(0);
    // Another account's transaction cannot write into this run's log.
    await expect(forAccount(prisma, b.accountId).transaction((tx) => tx.appendLogChunks(run.id, [{ seq: 1, state: 'APPLYING', text: 'pwned' }]))).rejects.toThrow();
    expect(await db.logMaxSeq(run.id)).toBe(0);
  });
});
