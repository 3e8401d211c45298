import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createRedis } from '@gantry/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestServices, testRedisUrl, type TestServices } from '../testing.ts';
import { createMemoryRateLimiter, createRedisRateLimiter } from './rate-limit.ts';
import { AUTH_RATE_RULES, signUp, verifyCredentials } from './users.ts';

let t: TestServices;
const password = 'correct horse battery';

beforeAll(async () => {
  t = await createTestServices();
  await signUp(t.services.prisma, { email: 'target@example.test', password, name: 'Target', accountName: 'Target' });
  await signUp(t.services.prisma, { email: 'other@example.test', password, name: 'Other', accountName: 'Other' });
});

afterAll(async () => {
  await t?.cleanup();
});

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    return (await promise) ? 'user' : 'null';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

describe('sign-in limits', () => {
  it('too many failures for an email lock it for the window, even with the right password; other emails are unaffected', async () => {
    const limiter = createMemoryRateLimiter();
    const max = AUTH_RATE_RULES.signInPerEmail.max;
    for (let i = 0; i < max; i++) expect(await outcome(verifyCredentials(t.services.prisma, 'target@example.test', 'wrong password', { limiter }))).toBe('null');
    expect(await outcome(verifyCredentials(t.services.prisma, 'TARGET@example.test', password, { limiter }))).toBe('RATE_LIMITED');
    await expect(verifyCredentials(t.services.prisma, 'target@example.test', password, { limiter })).rejects.toThrow(/Too many failed sign-in attempts for this email; try again in 15 minutes/);
    expect(await outcome(verifyCredentials(t.services.prisma, 'other@example.test', password, { limiter }))).toBe('user');
  });

  it('an unknown email is limited the same way (the limit tells nothing about existence)', async () => {
    const limiter = createMemoryRateLimiter();
    const max = AUTH_RATE_RULES.signInPerEmail.max;
    for (let i = 0; i < max; i++) expect(await outcome(verifyCredentials(t.services.prisma, 'nobody@example.test', 'x', { limiter }))).toBe('null');
    expect(await outcome(verifyCredentials(t.services.prisma, 'nobody@example.test', 'x', { limiter }))).toBe('RATE_LIMITED');
  });

  it('a success clears the email’s failures', async () => {
    const limiter = createMemoryRateLimiter();
    const max = AUTH_RATE_RULES.signInPerEmail.max;
    for (let i = 0; i < max - 1; i++) await verifyCredentials(t.services.prisma, 'other@example.test', 'wrong', { limiter });
    expect(await outcome(verifyCredentials(t.services.prisma, 'other@example.test', password, { limiter }))).toBe('user');
    for (let i = 0; i < max - 1; i++) expect(await outcome(verifyCredentials(t.services.prisma, 'other@example.test', 'wrong', { limiter }))).toBe('null');
  });

  it('failures are counted per client address across emails', async () => {
    const limiter = createMemoryRateLimiter();
    const rule = AUTH_RATE_RULES.signInPerAddress;
    for (let i = 0; i < rule.max; i++) await limiter.consume(rule, '203.0.113.9');
    expect(await outcome(verifyCredentials(t.services.prisma, 'other@example.test', password, { limiter, clientIp: '203.0.113.9' }))).toBe('RATE_LIMITED');
    expect(await outcome(verifyCredentials(t.services.prisma, 'other@example.test', password, { limiter, clientIp: '198.51.100.1' }))).toBe('user');
  });
});

describe('sign-up limits', () => {
  it('limits sign-ups per client address, before hashing', async () => {
    const limiter = createMemoryRateLimiter();
    const rule = AUTH_RATE_RULES.signUpPerAddress;
    for (let i = 0; i < rule.max; i++) await limiter.consume(rule, '192.0.2.7');
    const input = { email: `new-${randomBytes(3).toString('hex')}@example.test`, password, name: 'N', accountName: 'N' };
    await expect(signUp(t.services.prisma, input, { limiter, clientIp: '192.0.2.7' })).rejects.toMatchObject({ code: 'RATE_LIMITED', message: /Too many sign-ups from your network/ });
    expect(await t.services.prisma.user.count({ where: { email: input.email } })).toBe(0);
    await expect(signUp(t.services.prisma, input, { limiter, clientIp: '192.0.2.8' })).resolves.toMatchObject({ user: { email: input.email } });
  });
});

describe('Redis-backed limiter', () => {
  it('shares counts between processes', async () => {
    const a = createRedis(testRedisUrl, 'worker'); // as services.redis is
    const b = createRedis(testRedisUrl, 'worker');
    try {
      const rule = { name: `it-${randomBytes(4).toString('hex')}`, max: 3, windowMs: 60_000 };
      const first = createRedisRateLimiter(a);
      const second = createRedisRateLimiter(b);
      await first.consume(rule, 'k');
      await second.consume(rule, 'k');
      expect((await first.peek(rule, 'k')).count).toBe(2);
      expect((await second.consume(rule, 'k')).resetInMs).toBeGreaterThan(59_000);
      await first.reset(rule, 'k');
      expect((await second.peek(rule, 'k')).count).toBe(0);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('falls back to counting in the process, quickly, when Redis does not answer', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
      });
    });
    const down = createRedis(`redis://127.0.0.1:${port}`, 'worker');
    down.on('error', () => {});
    try {
      const limiter = createRedisRateLimiter(down);
      const rule = { name: 'down', max: 2, windowMs: 60_000 };
      const started = Date.now();
      expect((await limiter.consume(rule, 'k')).count).toBe(1);
      expect((await limiter.consume(rule, 'k')).count).toBe(2);
      expect((await limiter.peek(rule, 'k')).count).toBe(2);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      down.disconnect();
    }
  });
});
