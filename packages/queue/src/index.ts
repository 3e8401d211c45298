export * from './jobs.ts';
export { createRedis, type RedisRole } from './redis.ts';
export { createJobProducer, type JobProducer } from './producer.ts';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions, type OutboxSource } from './relay.ts';
