import { z } from 'zod';

/** BullMQ queue names. One queue for run phases: any worker takes any phase. */
export const QUEUE_NAMES = {
  runs: 'gantry-runs',
} as const;
/** Redis key prefix of Gantry's queues (GANTRY_QUEUE_PREFIX); producers and workers must agree. */
export const DEFAULT_QUEUE_PREFIX = 'gantry';

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** A run phase for a worker: plan (prepare, init, plan), apply (restore, apply) or perform (task). */
export const RUN_PHASES = ['plan', 'apply', 'perform'] as const;
export type RunPhaseName = (typeof RUN_PHASES)[number];

export const runPhaseJobSchema = z.object({
  accountId: z.string().min(1),
  runId: z.string().min(1),
  phase: z.enum(RUN_PHASES),
});
export type RunPhaseJob = z.infer<typeof runPhaseJobSchema>;

/** Every job: its queue, its BullMQ job name and its payload schema. */
export const JOBS = {
  runPhase: { queue: QUEUE_NAMES.runs, name: 'run-phase', schema: runPhaseJobSchema },
} as const;
export type JobKind = keyof typeof JOBS;
export type JobPayload<K extends JobKind> = z.infer<(typeof JOBS)[K]['schema']>;

/** An outbox row ready to become a BullMQ job (the outbox id is the BullMQ job id). */
export interface OutboxJob {
  id: string;
  queue: string;
  jobName: string;
  payload: unknown;
}

/** Builds the outbox row for a job, validating the payload now rather than when a worker gets it. */
export function outboxJob<K extends JobKind>(kind: K, payload: JobPayload<K>): { queue: string; jobName: string; payload: JobPayload<K> } {
  const job = JOBS[kind];
  return { queue: job.queue, jobName: job.name, payload: job.schema.parse(payload) as JobPayload<K> };
}

/** Parses a job received from BullMQ; a malformed payload is a bug, never retried. */
export function parseJob<K extends JobKind>(kind: K, data: unknown): JobPayload<K> {
  return JOBS[kind].schema.parse(data) as JobPayload<K>;
}
