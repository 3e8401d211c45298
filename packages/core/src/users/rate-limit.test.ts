import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter } from './rate-limit.ts';

const rule = { name: 'test', max: 3, windowMs: 1_000 };

describe('in-process rate limiter', () => {
  it('counts per key within a window, then starts again', async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ now: () => now });
    expect((await limiter.consume(rule, 'a')).count).toBe(1);
    expect((await limiter.consume(rule, 'a')).count).toBe(2);
    expect((await limiter.consume(rule, 'b')).count).toBe(1);
    now = 400;
    expect(await limiter.peek(rule, 'a')).toEqual({ count: 2, resetInMs: 600 });
    now = 1_000;
    expect((await limiter.peek(rule, 'a')).count).toBe(0);
    expect((await limiter.consume(rule, 'a')).count).toBe(1);
  });

  it('reset forgets a key; rules count separately', async () => {
    const limiter = createMemoryRateLimiter();
    await limiter.consume(rule, 'a');
    await limiter.consume({ ...rule, name: 'other' }, 'a');
    await limiter.reset(rule, 'a');
    expect((await limiter.peek(rule, 'a')).count).toBe(0);
    expect((await limiter.peek({ ...rule, name: 'other' }, 'a')).count).toBe(1);
  });

  it('keeps at most maxKeys windows', async () => {
    const limiter = createMemoryRateLimiter({ maxKeys: 10 });
    for (let i = 0; i < 100; i++) await limiter.consume(rule, `k${i}`);
    // The newest keys are still counted, the oldest were dropped.
    expect((await limiter.peek(rule, 'k99')).count).toBe(1);
    expect((await limiter.peek(rule, 'k0')).count).toBe(0);
  });
});
