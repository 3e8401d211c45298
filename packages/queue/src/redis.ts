import { Redis, type RedisOptions } from 'ioredis';

export type RedisRole =
  /** Workers and other blocking consumers: commands wait for Redis to come back. */
  | 'worker'
  /** Producers: fail fast while Redis is down, so the caller (the outbox relay) retries later. */
  | 'producer';

/** An ioredis connection with the options BullMQ needs for its role. */
export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  return new Redis(url, {
    ...options,
    // Reconnect forever with a capped backoff: Redis being down only delays work.
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
    ...extra,
  });
}
