import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { createJobProducer, createOutboxRelay, createRedis, DEFAULT_QUEUE_PREFIX, outboxJob, QUEUE_NAMES } from '@gantry/queue';
import { createGitRepoFixture, terraformDataConfig, type GitRepoFixture } from '@gantry/test-support';
import { describeLogChunkStoreContract } from '@gantry/logs/testing';
import { forAccount } from '@gantry/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountScope } from './context.ts';
import { createLogChunkStore } from './logs/log-chunk-store.ts';
import { createOutboxSource } from './outbox-source.ts';
import { triggerRun } from './runs/commands.ts';
import { createStack } from './stacks/stacks.ts';
import { createTestAccount, createTestServices, type TestServices } from './testing.ts';

// Redis is taken down for real: a private redis-server on a free port, killed and restarted.
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = createRedis(`redis://127.0.0.1:${port}`, 'worker');
  probe.on('error', () => {});
  for (let i = 0; i < 100 && probe.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
  probe.disconnect();
  return child;
}

let t: TestServices;
let repo: GitRepoFixture;
let scope: AccountScope;
let redis: ChildProcess | undefined;

beforeAll(async () => {
  t = await createTestServices();
  repo = await createGitRepoFixture({ files: terraformDataConfig() });
  ({ scope } = await createTestAccount(t.services, 'Outbox'));
});

afterAll(async () => {
  if (redis && redis.exitCode === null) redis.kill('SIGKILL');
  await repo?.cleanup();
  await t?.cleanup();
});

describe('outbox → BullMQ', () => {
  it('Redis down: the job waits in the outbox and is enqueued (once) when Redis is back', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const producer = createJobProducer(url);
    const wakes: number[] = [];
    const source = createOutboxSource(t.services.prisma, t.database.url);
    const errors: unknown[] = [];
    const relay = createOutboxRelay({
      source: { ...source, subscribe: (wake) => source.subscribe!(() => (wakes.push(Date.now()), wake())) },
      producer,
      sweepMs: 200,
      onError: (e) => errors.push(e),
    });
    await relay.start();

    const stack = await createStack(scope, { name: 'outbox-redis-down', repositoryUrl: repo.url, branch: 'main' });
    const committedAt = Date.now();
    const run = await triggerRun(scope, { stackId: stack.id });
    await new Promise((r) => setTimeout(r, 800));
    // Woken by NOTIFY at commit, but Redis is down: the row stays unpublished, its attempt recorded.
    expect(wakes.some((w) => w >= committedAt)).toBe(true);
    const pending = await t.services.prisma.outbox.findMany({ where: { publishedAt: null } });
    expect(pending.map((p) => (p.payload as { runId: string }).runId)).toEqual([run.id]);
    expect(pending[0]!.attempts).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);

    redis = await startRedis(port);
    const queue = new Queue(QUEUE_NAMES.runs, { connection: createRedis(url, 'worker'), prefix: DEFAULT_QUEUE_PREFIX });
    let job = null;
    for (let i = 0; i < 100 && !job; i++) {
      job = await queue.getJob(pending[0]!.id);
      if (!job) await new Promise((r) => setTimeout(r, 100));
    }
    expect(job?.data).toEqual({ accountId: scope.account.id, runId: run.id, phase: 'plan' });
    // Marked published right after the add (poll: the relay may still be between the two).
    let published = null;
    for (let i = 0; i < 50 && !published; i++) {
      published = (await t.services.prisma.outbox.findUniqueOrThrow({ where: { id: pending[0]!.id } })).publishedAt;
      if (!published) await new Promise((r) => setTimeout(r, 50));
    }
    expect(published).not.toBeNull();
    // Publishing the same row again (a second relay) adds nothing.
    await producer.publish({ id: pending[0]!.id, queue: QUEUE_NAMES.runs, jobName: 'run-phase', payload: job!.data });
    expect(await queue.count()).toBe(1);

    // A change that rolls back enqueues nothing.
    await expect(
      forAccount(t.services.prisma, scope.account.id).transaction(async (tx) => {
        await tx.outbox.create({ data: { accountId: tx.accountId, ...outboxJob('runPhase', { accountId: tx.accountId, runId: 'rolled-back', phase: 'plan' }) } });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await relay.drain();
    expect(await t.services.prisma.outbox.count({ where: { payload: { path: ['runId'], equals: 'rolled-back' } } })).toBe(0);
    expect(await queue.count()).toBe(1);

    await relay.stop();
    await queue.close();
    await producer.close();
  });
});

describeLogChunkStoreContract('prisma (core)', async () => {
  const { scope: owner } = await createTestAccount(t.services, 'LogStore');
  const stack = await createStack(owner, { name: 'log-contract', repositoryUrl: repo.url, branch: 'main' });
  const store = createLogChunkStore(owner.db);
  const known = new Set<string>();
  // The contract invents run ids; give each a Run row so the foreign key holds.
  const ensureRun = async (runId: string) => {
    if (known.has(runId)) return;
    known.add(runId);
    await owner.db.run.upsert({ where: { id: runId }, create: { id: runId, accountId: owner.account.id, stackId: stack.id }, update: {} });
  };
  return {
    store: {
      async append(chunks) {
        if (chunks[0]) await ensureRun(chunks[0].runId);
        return store.append(chunks);
      },
      readFrom: (runId, afterSeq, limit) => store.readFrom(runId, afterSeq, limit),
      maxSeq: (runId) => store.maxSeq(runId),
    },
  };
});
