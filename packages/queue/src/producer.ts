import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_QUEUE_PREFIX, QUEUE_NAMES, type OutboxJob } from './jobs.ts';
import { createRedis } from './redis.ts';

/** How long finished jobs are kept: long enough to make a re-published outbox row a no-op. */
const KEEP_COMPLETED = { age: 24 * 3600, count: 10_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600 };

export interface JobProducer {
  /** Adds the job with jobId = outbox id. Adding the same id twice adds one job. */
  publish(job: OutboxJob): Promise<void>;
  /** Connects and prepares every queue now, so the first publish is as fast as the others. */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

/** A fail-fast BullMQ producer: while Redis is down, publish rejects at once instead of queueing. */
export function createJobProducer(redisUrl: string, options: { prefix?: string } = {}): JobProducer {
  const connection: Redis = createRedis(redisUrl, 'producer');
  // Errors surface through publish(); keep ioredis from printing every reconnect attempt.
  connection.on('error', () => {});
  const queues = new Map<string, Queue>();
  const known = new Set<string>(Object.values(QUEUE_NAMES));
  const queueFor = (name: string) => {
    if (!known.has(name)) throw new Error(`Unknown queue "${name}"`);
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection, skipWaitingForReady: true, prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX });
      queue.on('error', () => {});
      queues.set(name, queue);
    }
    return queue;
  };
  return {
    async publish(job) {
      if (connection.status !== 'ready') throw new Error(`Redis is not reachable (connection ${connection.status})`);
      await queueFor(job.queue).add(job.jobName, job.payload, {
        jobId: job.id,
        attempts: 1,
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      });
    },
    async warmUp() {
      for (let i = 0; i < 50 && connection.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
      if (connection.status !== 'ready') return; // Redis down: publishing will retry later anyway
      await Promise.all([...known].map(async (name) => {
        const queue = queueFor(name);
        await queue.waitUntilReady();
        await queue.getJobCounts('waiting');
      }));
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      connection.disconnect();
    },
  };
}
