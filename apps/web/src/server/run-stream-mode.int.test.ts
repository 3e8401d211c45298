import { randomBytes } from 'node:crypto';
import { createCoreServices, type CoreServices } from '@gantry/core';
import { afterAll, describe, expect, it } from 'vitest';
import { redisModeWatcher } from './run-stream-mode.ts';

// Against the real Redis: live once the run's channel is subscribed; polling when Redis is away.

// Not @gantry/core/testing: it pulls in the database test helpers, which the web app's types reject.
const testRedisUrl = process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const opened: CoreServices[] = [];
const services = (redisUrl: string) => {
  // The database is never touched here.
  const s = createCoreServices({ databaseUrl: 'postgresql://nobody@127.0.0.1:1/none', redisUrl, encryptionKey: randomBytes(32) });
  opened.push(s);
  return s;
};

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

async function ready(s: CoreServices) {
  for (let i = 0; i < 100 && s.redis?.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 20));
}

describe('redisModeWatcher', () => {
  it('is live when Redis confirms the subscription', async () => {
    const s = services(testRedisUrl);
    await ready(s);
    const watcher = redisModeWatcher(s.redis, '0192f0c4-0000-7000-8000-000000000001');
    expect(await watcher.current()).toBe('live');
    expect(await watcher.current()).toBe('live');
    watcher.close();
    expect(await watcher.current()).toBe('polling');
  });

  it('is polling when Redis does not answer', async () => {
    const s = services('redis://127.0.0.1:1/0');
    const watcher = redisModeWatcher(s.redis, '0192f0c4-0000-7000-8000-000000000002', { subscribeTimeoutMs: 200 });
    expect(await watcher.current()).toBe('polling');
    watcher.close();
  });
});
