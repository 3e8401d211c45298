import { createPrismaClient, forAccount, type PrismaClient } from '@gantry/db';
import { DomainError } from '@gantry/domain';
import { publishRunEvent } from '@gantry/logs';
import { createRedis } from '@gantry/queue';
import { resolveBranchHead } from '@gantry/vcs';
import type { Redis } from 'ioredis';
import { loadBaseConfig } from '@gantry/config';
import { NO_EVENTS, type AccountScope, type Actor, type CommitResolver, type RunEventsPublisher, type ScopeServices } from './context.ts';
import { SecretBox } from './crypto/secret-box.ts';
import { CommitPins, DEFAULT_COMMIT_PIN_DELAY_MS } from './runs/pin-commit.ts';

/**
 * What a process (web or worker) holds once: the raw database client (system use-cases only),
 * Redis for live events, the secret box and the commit resolver. Account-scoped code never sees
 * `prisma`; it gets an AccountScope.
 */
export interface CoreServices extends ScopeServices {
  readonly prisma: PrismaClient;
  readonly redis: Redis | null;
  close(): Promise<void>;
}

export interface CoreServicesOptions {
  databaseUrl: string;
  /** Redis for live run events; null disables them (readers fall back to the database). */
  redisUrl: string | null;
  encryptionKey: Buffer;
  poolSize?: number;
  resolveCommit?: CommitResolver;
  /** See ScopeServices.commitPinDelayMs (default DEFAULT_COMMIT_PIN_DELAY_MS). */
  commitPinDelayMs?: number;
  now?: () => Date;
}

/** One `git ls-remote`: the SHA a run records; message and author come from the worker's checkout. */
export const resolveCommitWithGit: CommitResolver = async ({ repositoryUrl, branch, signal }) => {
  const { sha } = await resolveBranchHead({ repositoryUrl, branch, ...(signal ? { signal } : {}) });
  return { sha, message: null };
};

function redisEvents(redis: Redis): RunEventsPublisher {
  return {
    stateChanged(change) {
      publishRunEvent(redis, {
        runId: change.runId,
        accountId: change.accountId,
        stackId: change.stackId,
        state: change.state,
        at: change.at,
        reason: change.reason,
      }).catch(() => {
        // Best effort: the SSE route also polls the database.
      });
    },
  };
}

export function createCoreServices(options: CoreServicesOptions): CoreServices {
  const prisma = createPrismaClient(options.databaseUrl, options.poolSize ? { poolSize: options.poolSize } : {});
  let redis: Redis | null = null;
  if (options.redisUrl) {
    redis = createRedis(options.redisUrl, 'worker');
    redis.on('error', () => {});
  }
  const commitPins = new CommitPins();
  return {
    prisma,
    redis,
    secretBox: new SecretBox(options.encryptionKey),
    events: redis ? redisEvents(redis) : NO_EVENTS,
    resolveCommit: options.resolveCommit ?? resolveCommitWithGit,
    commitPinDelayMs: options.commitPinDelayMs ?? DEFAULT_COMMIT_PIN_DELAY_MS,
    commitPins,
    now: options.now ?? (() => new Date()),
    async close() {
      // A commit pin started by a trigger holds a tenant handle on this client: drop those still
      // waiting, let the others end before the pool does (each is bounded by its own time limit).
      await commitPins.cancel();
      redis?.disconnect();
      await prisma.$disconnect();
    },
  };
}

let defaultServices: CoreServices | undefined;

/** The process-wide services, built from the environment on first use (web app). */
export function getDefaultCoreServices(): CoreServices {
  if (!defaultServices) {
    const config = loadBaseConfig();
    defaultServices = createCoreServices({ databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, encryptionKey: config.encryptionKey });
  }
  return defaultServices;
}

/** Replaces the process-wide services (tests, custom entry points). */
export function setDefaultCoreServices(services: CoreServices | undefined): void {
  defaultServices = services;
}

/** Only what an AccountScope may carry: no database client. */
export function scopeServices(services: CoreServices): ScopeServices {
  return {
    secretBox: services.secretBox,
    events: services.events,
    resolveCommit: services.resolveCommit,
    commitPinDelayMs: services.commitPinDelayMs,
    commitPins: services.commitPins,
    now: services.now,
  };
}

/** A scope for Gantry's own actors (workers, reaper): full rights within one account. */
export async function systemScope(services: CoreServices, accountId: string, actor: Actor): Promise<AccountScope> {
  const account = await services.prisma.account.findUnique({ where: { id: accountId } });
  if (!account) throw DomainError.notFound('Account', accountId);
  return {
    db: forAccount(services.prisma, account.id),
    account: { id: account.id, slug: account.slug, name: account.name },
    actor,
    role: null,
    services: scopeServices(services),
  };
}
