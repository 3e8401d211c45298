import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';

/** Thrown when the environment is invalid; the message lists every problem and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid Gantry configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

const isProduction = (env: Env) => env.NODE_ENV === 'production';

// Dev defaults only where a wrong guess cannot leak anything: local services and a temp work dir.
// Keys and secrets never get defaults.
const DEV_DEFAULTS: Env = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/gantry',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

const urlWithScheme = (schemes: string[], example: string) =>
  z
    .string({ error: `is required (e.g. ${example})` })
    .min(1, `is required (e.g. ${example})`)
    .refine((value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a ${schemes.map((s) => s.replace(':', '://')).join(' or ')} URL (e.g. ${example})`);

// Every process of one installation (web, workers) must share the key: data sealed by one is read by
// the others. A fresh key is only right for a new installation.
const SAME_KEY_HINT =
  'use the same key as the other Gantry processes (web, workers) — generate one with `openssl rand -base64 32` only for a new installation';

const encryptionKey = z
  .string({ error: `is required: 32 random bytes in base64; ${SAME_KEY_HINT}` })
  .transform((value, ctx) => {
    const trimmed = value.trim();
    const bytes = /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : null;
    if (!bytes || bytes.length !== 32) {
      ctx.addIssue({
        code: 'custom',
        message: `must be exactly 32 bytes encoded as base64 (got ${bytes ? `${bytes.length} bytes` : 'something that is not base64'}); ${SAME_KEY_HINT}`,
      });
      return z.NEVER;
    }
    return bytes;
  });

const intInRange = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max} (got "${value}")` });
        return z.NEVER;
      }
      return n;
    })
    .describe(name);

const absolutePath = z
  .string()
  .optional()
  .refine((value) => value === undefined || value === '' || isAbsolute(value), 'must be an absolute path')
  .transform((value) => (value ? value : undefined));

const baseShape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).optional().default('development'),
  DATABASE_URL: urlWithScheme(['postgres:', 'postgresql:'], 'postgresql://user:pass@host:5432/gantry'),
  REDIS_URL: urlWithScheme(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  GANTRY_ENCRYPTION_KEY: encryptionKey,
};

const workerShape = {
  ...baseShape,
  GANTRY_WORKER_CONCURRENCY: intInRange('GANTRY_WORKER_CONCURRENCY', 1, 64, 2),
  GANTRY_WORK_DIR: absolutePath,
  GANTRY_TOFU_BIN: absolutePath,
  GANTRY_TERRAFORM_BIN: absolutePath,
  GANTRY_LEASE_MS: intInRange('GANTRY_LEASE_MS', 1_000, 3_600_000, 30_000),
  GANTRY_HEARTBEAT_MS: intInRange('GANTRY_HEARTBEAT_MS', 200, 600_000, 5_000),
  GANTRY_REAPER_INTERVAL_MS: intInRange('GANTRY_REAPER_INTERVAL_MS', 100, 600_000, 5_000),
  GANTRY_OUTBOX_SWEEP_MS: intInRange('GANTRY_OUTBOX_SWEEP_MS', 100, 600_000, 2_000),
  GANTRY_WORKER_ID: z.string().optional(),
  GANTRY_PROCESS_SPAWNER: z.enum(['on', 'off'], { error: 'must be on or off' }).optional().default('on'),
  GANTRY_HELD_STARTS: z.enum(['on', 'off'], { error: 'must be on or off' }).optional().default('on'),
  GANTRY_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -')
    .optional()
    .default('gantry'),
};

/**
 * Which proxies in front of the web app tell the client's address (x-forwarded-for), for the
 * per-address sign-in and sign-up limits: none (the socket address Next puts there), all (the first
 * entry), or the n-th entry from the right (n proxies, each appending what it saw).
 */
export type ProxyTrust = { kind: 'none' } | { kind: 'all' } | { kind: 'hops'; hops: number };

const proxyTrust = z
  .string()
  .optional()
  .transform((value, ctx): ProxyTrust => {
    const text = (value ?? '').trim().toLowerCase();
    if (text === '' || text === 'false' || text === '0') return { kind: 'none' };
    if (text === 'true') return { kind: 'all' };
    const hops = Number(text);
    if (Number.isInteger(hops) && hops >= 1 && hops <= 10) return { kind: 'hops', hops };
    ctx.addIssue({ code: 'custom', message: `must be false, true, or the number of proxies in front of Gantry (1–10) (got "${value}")` });
    return z.NEVER;
  });

const webShape = {
  ...baseShape,
  AUTH_SECRET: z
    .string({ error: 'is required: a random secret for session tokens (`openssl rand -base64 32`)' })
    .min(32, 'must be at least 32 characters (`openssl rand -base64 32`)'),
  AUTH_URL: z.url().optional(),
  GANTRY_TRUST_PROXY: proxyTrust,
};

export interface BaseConfig {
  nodeEnv: 'development' | 'test' | 'production';
  databaseUrl: string;
  redisUrl: string;
  /** AES-256-GCM key for secrets and state at rest. */
  encryptionKey: Buffer;
}

export interface WorkerConfig extends BaseConfig {
  concurrency: number;
  workDir: string;
  tofuBin: string | undefined;
  terraformBin: string | undefined;
  /** How long a run phase lease lasts without a heartbeat. */
  leaseMs: number;
  heartbeatMs: number;
  reaperIntervalMs: number;
  outboxSweepMs: number;
  workerId: string | undefined;
  /** Redis key prefix of the BullMQ queues (separates installations sharing one Redis). */
  queuePrefix: string;
  /** Start git and OpenTofu from a small spawner child (cheap forks) instead of the worker itself. */
  processSpawner: boolean;
  /** Start OpenTofu's next commands ahead of time, held until their turn (runner's held-process.ts). */
  heldStarts: boolean;
}

export interface WebConfig extends BaseConfig {
  authSecret: string;
  authUrl: string | undefined;
  trustProxy: ProxyTrust;
}

function parse<S extends z.ZodRawShape>(shape: S, env: Env): z.infer<z.ZodObject<S>> {
  const withDefaults = isProduction(env) ? env : { ...DEV_DEFAULTS, ...definedOnly(env) };
  const result = z.object(shape).safeParse(withDefaults);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
  );
}

function definedOnly(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
}

function base(parsed: z.infer<z.ZodObject<typeof baseShape>>): BaseConfig {
  return {
    nodeEnv: parsed.NODE_ENV,
    databaseUrl: parsed.DATABASE_URL,
    redisUrl: parsed.REDIS_URL,
    encryptionKey: parsed.GANTRY_ENCRYPTION_KEY,
  };
}

/** Configuration shared by every process that touches data (web, worker, scripts). */
export function loadBaseConfig(env: Env = process.env): BaseConfig {
  return base(parse(baseShape, env));
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const parsed = parse(workerShape, env);
  const problems: string[] = [];
  if (parsed.GANTRY_HEARTBEAT_MS * 2 > parsed.GANTRY_LEASE_MS)
    problems.push(
      `GANTRY_HEARTBEAT_MS: must be at most half of GANTRY_LEASE_MS (${parsed.GANTRY_HEARTBEAT_MS} ms vs a ${parsed.GANTRY_LEASE_MS} ms lease), or a busy worker loses its lease`,
    );
  if (isProduction(env) && !parsed.GANTRY_WORK_DIR)
    problems.push('GANTRY_WORK_DIR: is required in production: an absolute directory for run workspaces');
  if (problems.length) throw new ConfigError(problems);
  return {
    ...base(parsed),
    concurrency: parsed.GANTRY_WORKER_CONCURRENCY,
    workDir: parsed.GANTRY_WORK_DIR ?? join(tmpdir(), 'gantry-work'),
    tofuBin: parsed.GANTRY_TOFU_BIN,
    terraformBin: parsed.GANTRY_TERRAFORM_BIN,
    leaseMs: parsed.GANTRY_LEASE_MS,
    heartbeatMs: parsed.GANTRY_HEARTBEAT_MS,
    reaperIntervalMs: parsed.GANTRY_REAPER_INTERVAL_MS,
    outboxSweepMs: parsed.GANTRY_OUTBOX_SWEEP_MS,
    workerId: parsed.GANTRY_WORKER_ID || undefined,
    queuePrefix: parsed.GANTRY_QUEUE_PREFIX,
    processSpawner: parsed.GANTRY_PROCESS_SPAWNER === 'on',
    heldStarts: parsed.GANTRY_HELD_STARTS === 'on',
  };
}

export function loadWebConfig(env: Env = process.env): WebConfig {
  const parsed = parse(webShape, env);
  return { ...base(parsed), authSecret: parsed.AUTH_SECRET, authUrl: parsed.AUTH_URL, trustProxy: parsed.GANTRY_TRUST_PROXY };
}

/**
 * For process entry points: load or exit. Prints the problems and exits 1 so a misconfigured
 * deployment fails at boot, not at the first request.
 */
export function loadOrExit<T>(load: () => T, processName: string): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`gantry ${processName}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
