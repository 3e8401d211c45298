import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_QUEUE_PREFIX, QUEUE_NAMES, outboxJob, type OutboxJob } from './jobs.ts';
import { createJobProducer } from './producer.ts';
import { createRedis } from './redis.ts';
import { createOutboxRelay, type OutboxSource } from './relay.ts';

// A private redis-server, so the test can take Redis down without disturbing anyone else.
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
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const probe = createRedis(`redis://127.0.0.1:${port}`, 'worker');
  probe.on('error', () => {});
  for (let i = 0; i < 100 && probe.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
  probe.disconnect();
  return child;
}

async function stopRedis(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

function memorySource(rows: OutboxJob[]): OutboxSource & { published: Set<string>; failures: number } {
  const published = new Set<string>();
  return {
    published,
    failures: 0,
    async unpublished(limit) {
      return rows.filter((r) => !published.has(r.id)).slice(0, limit);
    },
    async markPublished(ids) {
      for (const id of ids) published.add(id);
    },
    async markFailed() {
      this.failures++;
    },
  };
}

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) await stopRedis(child);
});
afterAll(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) await stopRedis(child);
});

const job = (id: string): OutboxJob => ({ id, ...outboxJob('runPhase', { accountId: 'a', runId: `run-${id}`, phase: 'plan' }) });

describe('outbox relay', () => {
  it('publishes each row once, with the outbox id as job id, even when published twice', async () => {
    const port = await freePort();
    children.push(await startRedis(port));
    const url = `redis://127.0.0.1:${port}`;
    const producer = createJobProducer(url);
    const source = memorySource([job('o1'), job('o2')]);
    const relay = createOutboxRelay({ source, producer, sweepMs: 60_000 });
    await new Promise((r) => setTimeout(r, 100));
    expect(await relay.drain()).toBe(2);
    // A second relay publishing the same rows (e.g. it read them before they were marked) adds nothing.
    await producer.publish(job('o1'));
    const queue = new Queue(QUEUE_NAMES.runs, { connection: createRedis(url, 'worker'), prefix: DEFAULT_QUEUE_PREFIX });
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 2 });
    const first = await queue.getJob('o1');
    expect(first?.data).toEqual({ accountId: 'a', runId: 'run-o1', phase: 'plan' });
    await queue.close();
    await producer.close();
  });

  it('keeps rows while Redis is down and publishes them when it is back', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const producer = createJobProducer(url); // Redis not started yet
    const source = memorySource([job('d1')]);
    const errors: unknown[] = [];
    const relay = createOutboxRelay({ source, producer, sweepMs: 100, onError: (e) => errors.push(e) });
    await relay.start();
    const before = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    expect(source.published.size).toBe(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(source.failures).toBeGreaterThan(0);

    children.push(await startRedis(port));
    for (let i = 0; i < 100 && source.published.size === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(source.published.has('d1')).toBe(true);
    expect(Date.now() - before).toBeLessThan(10_000);
    await relay.stop();
    const queue = new Queue(QUEUE_NAMES.runs, { connection: createRedis(url, 'worker'), prefix: DEFAULT_QUEUE_PREFIX });
    expect((await queue.getJob('d1'))?.name).toBe('run-phase');
    await queue.close();
    await producer.close();
  });

  it('rejects malformed payloads when the row is written', () => {
    expect(() => outboxJob('runPhase', { accountId: '', runId: 'r', phase: 'plan' })).toThrow();
  });
});
