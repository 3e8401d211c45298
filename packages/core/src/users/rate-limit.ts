import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Fixed-window counters for sign-in and sign-up attempts. With Redis the counters are shared by every
 * web process; without it (or while it does not answer) each process counts on its own, which still
 * bounds a brute force per process.
 */

export interface RateRule {
  /** Names the counter family (e.g. "signin-email"). */
  name: string;
  max: number;
  windowMs: number;
}

export interface RateState {
  /** Events counted in the current window (after this one, for `consume`). */
  count: number;
  /** Milliseconds until the window ends. */
  resetInMs: number;
}

export interface RateLimiter {
  /** Counts one event for `key`. */
  consume(rule: RateRule, key: string): Promise<RateState>;
  /** The current count for `key`, without counting. */
  peek(rule: RateRule, key: string): Promise<RateState>;
  /** Forgets `key` (e.g. after a successful sign-in). */
  reset(rule: RateRule, key: string): Promise<void>;
}

/** Keys are hashed: emails and addresses are not kept in Redis or in memory as they are. */
const counterKey = (rule: RateRule, key: string) => `gantry:ratelimit:${rule.name}:${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;

export function createMemoryRateLimiter(options: { now?: () => number; maxKeys?: number } = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, { count: number; resetAt: number }>();
  const current = (rule: RateRule, key: string) => {
    const id = counterKey(rule, key);
    const window = windows.get(id);
    if (window && window.resetAt > now()) return { id, window };
    windows.delete(id);
    return { id, window: undefined };
  };
  const sweep = () => {
    const at = now();
    for (const [id, window] of windows) if (window.resetAt <= at) windows.delete(id);
    // Still full: drop the oldest windows (a flood of distinct keys must not grow memory forever).
    for (const id of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(id);
    }
  };
  return {
    async consume(rule, key) {
      const { id, window } = current(rule, key);
      if (window) {
        window.count += 1;
        return { count: window.count, resetInMs: window.resetAt - now() };
      }
      if (windows.size >= maxKeys) sweep();
      windows.set(id, { count: 1, resetAt: now() + rule.windowMs });
      return { count: 1, resetInMs: rule.windowMs };
    },
    async peek(rule, key) {
      const { window } = current(rule, key);
      return window ? { count: window.count, resetInMs: window.resetAt - now() } : { count: 0, resetInMs: 0 };
    },
    async reset(rule, key) {
      windows.delete(counterKey(rule, key));
    },
  };
}

/** Redis commands that do not answer within this time fall back to the in-process counters. */
const REDIS_TIMEOUT_MS = 300;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('rate limiter: Redis did not answer')), REDIS_TIMEOUT_MS);
    timer.unref?.();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export function createRedisRateLimiter(redis: Redis, fallback: RateLimiter = createMemoryRateLimiter()): RateLimiter {
  return {
    async consume(rule, key) {
      const id = counterKey(rule, key);
      try {
        const results = await withTimeout(redis.multi().set(id, '0', 'PX', rule.windowMs, 'NX').incr(id).pttl(id).exec());
        const count = Number(results?.[1]?.[1]);
        const ttl = Number(results?.[2]?.[1]);
        if (!Number.isFinite(count)) throw new Error('rate limiter: unexpected Redis reply');
        return { count, resetInMs: ttl > 0 ? ttl : rule.windowMs };
      } catch {
        return fallback.consume(rule, key);
      }
    },
    async peek(rule, key) {
      const id = counterKey(rule, key);
      try {
        const [value, ttl] = await withTimeout(Promise.all([redis.get(id), redis.pttl(id)]));
        const local = await fallback.peek(rule, key);
        const count = value === null ? 0 : Number(value);
        // Counts made while Redis was away still count.
        return count >= local.count ? { count, resetInMs: ttl > 0 ? ttl : 0 } : local;
      } catch {
        return fallback.peek(rule, key);
      }
    },
    async reset(rule, key) {
      await fallback.reset(rule, key);
      await withTimeout(redis.del(counterKey(rule, key))).catch(() => undefined);
    },
  };
}

const limiters = new WeakMap<object, RateLimiter>();

/** One limiter per services object (shared counters in Redis when it has a connection). */
export function rateLimiterFor(services: { redis: Redis | null }): RateLimiter {
  let limiter = limiters.get(services);
  if (!limiter) {
    limiter = services.redis ? createRedisRateLimiter(services.redis) : createMemoryRateLimiter();
    limiters.set(services, limiter);
  }
  return limiter;
}
