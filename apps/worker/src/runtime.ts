import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import type { WorkerConfig } from '@gantry/config';
import { createLogChunkStore, createOutboxSource, purgePublishedOutbox, reapExpiredLeases, systemScope, type CoreServices } from '@gantry/core';
import { createRunLogWriter } from '@gantry/logs';
import { forAccount } from '@gantry/db';
import { createJobProducer, createOutboxRelay, createRedis, parseJob, QUEUE_NAMES, type OutboxRelay } from '@gantry/queue';
import { heldStartsSupported, resolveVendorBinary, type VendorBinaryConfig } from '@gantry/runner';
import { RepositoryCache } from '@gantry/vcs';
import { runPhaseJob } from './phase-job.ts';
import { GANTRY_PREFIX } from './phase-session.ts';
import { createWorkspaceRoot, sweepDeadOwners } from './workspace-roots.ts';

/** Exercises the claim path's queries on an account that does not exist (reads nothing, locks nothing). */
async function warmUpDatabase(services: CoreServices): Promise<void> {
  const none = '00000000-0000-0000-0000-000000000000';
  await Promise.all([services.prisma.$queryRaw`SELECT 1`, services.prisma.$queryRaw`SELECT 1`]);
  await services.prisma.account.findUnique({ where: { id: none } });
  await forAccount(services.prisma, none).transaction(async (tx) => {
    await tx.run.findUnique({ where: { id: none }, select: { state: true, stackId: true } });
    await tx.lockStack(none);
    await tx.lockRun(none);
    await tx.stack.findUnique({ where: { id: none } });
  });
}

/** Probes the vendor binaries for held starts now, so that the first run holds its commands too. */
async function probeHeldStarts(vendorConfig: VendorBinaryConfig, log: (message: string) => void): Promise<void> {
  const vendors = [{ kind: 'OPENTOFU' as const }, ...(vendorConfig.terraformBin ? [{ kind: 'TERRAFORM' as const }] : [])];
  await Promise.all(
    vendors.map(async (vendor) => {
      const binary = await resolveVendorBinary(vendor, vendorConfig).catch(() => null);
      if (binary && !(await heldStartsSupported(binary))) log(`held starts: ${binary} cannot be held; its commands start when they run`);
    }),
  );
}

export interface WorkerRuntime {
  readonly workerId: string;
  /** Stops taking jobs, hands repeatable phases back, waits for applies, closes connections. */
  close(): Promise<void>;
  /**
   * Stops every phase in progress at once, applies included: their OpenTofu and git processes get
   * SIGINT now (they run in process groups of their own). For a forced exit, right before it.
   */
  interrupt(): void;
}

export interface WorkerRuntimeOptions {
  config: WorkerConfig;
  services: CoreServices;
  log?: (message: string) => void;
}

/**
 * One worker process: a BullMQ consumer of run phases with `concurrency` slots, the outbox relay and
 * the lease reaper (both safe to run in every worker at once).
 */
export async function startWorkerRuntime({ config, services, log = () => {} }: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const workerId = config.workerId ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
  const shutdown = new AbortController();
  const interruption = new AbortController();
  const workDir = resolve(config.workDir);
  // Commits fetched once are checked out from here by later runs of this worker.
  const repositoryCache = new RepositoryCache(join(workDir, 'git-cache'));
  // Workspaces live in a directory of this process's own; dead workers' ones on this host are swept.
  const workspaces = await createWorkspaceRoot(workDir);
  const sweepWorkspaces = async () => {
    const swept = await sweepDeadOwners(workDir, workspaces.dir);
    if (swept.removed.length > 0) log(`workspaces: removed ${swept.removed.length} left by workers that died`);
    for (const kept of swept.kept) {
      log(`workspaces: an apply was interrupted when its worker died; its workspace (and local state) is kept in ${kept.dir}`);
      await tellRunWhereItsWorkspaceIs(services, workerId, kept).catch((error: unknown) => log(`workspaces: ${(error as Error).message}`));
    }
  };
  await sweepWorkspaces().catch((error: unknown) => log(`workspaces: ${(error as Error).message}`));

  const producer = createJobProducer(config.redisUrl, { prefix: config.queuePrefix });
  // Open connections and compile the hot queries now, so the first run starts as fast as the rest.
  const vendorConfig = { tofuBin: config.tofuBin, terraformBin: config.terraformBin };
  await Promise.all([producer.warmUp(), warmUpDatabase(services), config.heldStarts ? probeHeldStarts(vendorConfig, log) : null]);
  const relay: OutboxRelay = createOutboxRelay({
    source: createOutboxSource(services.prisma, config.databaseUrl, { onError: (e) => log(`outbox listener: ${(e as Error).message}`) }),
    producer,
    sweepMs: config.outboxSweepMs,
    onError: (e) => log(`outbox relay: ${(e as Error).message}`),
  });
  await relay.start();

  let reaping: Promise<void> | null = null;
  let lastPurge = 0;
  const reap = () => {
    if (reaping) return;
    reaping = (async () => {
      try {
        for (const r of await reapExpiredLeases(services)) log(`reaper: run ${r.runId} ${r.from} → ${r.to}: ${r.reason}`);
        await sweepWorkspaces();
        if (Date.now() - lastPurge > 3_600_000) {
          lastPurge = Date.now();
          await purgePublishedOutbox(services.prisma, 24 * 3_600_000);
        }
      } catch (error) {
        log(`reaper: ${(error as Error).message}`);
      } finally {
        reaping = null;
      }
    })();
  };
  const reaperTimer = setInterval(reap, config.reaperIntervalMs);

  const connection = createRedis(config.redisUrl, 'worker');
  connection.on('error', () => {});
  const worker = new Worker(
    QUEUE_NAMES.runs,
    async (job: Job) => {
      const started = Date.now();
      const payload = parseJob('runPhase', job.data);
      const outcome = await runPhaseJob(
        {
          services,
          workerId,
          leaseMs: config.leaseMs,
          heartbeatMs: config.heartbeatMs,
          workDir: workspaces.dir,
          vendorConfig,
          heldStarts: config.heldStarts,
          repositoryCache,
          shutdown: shutdown.signal,
          interrupt: interruption.signal,
          log,
        },
        payload,
      );
      // One line per job; `timings` (ms per step) and the queue wait are what bench/run-overhead reads.
      const profile = JSON.stringify({ enqueuedAt: job.timestamp, startedAt: started, waitedMs: started - job.timestamp, timings: outcome.timings });
      log(`run ${payload.runId} ${payload.phase}: ${outcome.summary} (${Date.now() - started} ms) ${profile}`);
      return outcome.summary;
    },
    {
      connection,
      prefix: config.queuePrefix,
      concurrency: config.concurrency,
      // A job whose worker died is redelivered once by BullMQ. If the run was claimed already, the
      // redelivered job finds it leased and is dropped (the lease reaper decides about the run); if
      // the worker died between receiving the job and claiming, the redelivery is what starts it.
      maxStalledCount: 1,
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  );
  worker.on('error', (error) => log(`queue: ${error.message}`));
  worker.on('failed', (job, error) => log(`job ${job?.id} failed: ${error.message}`));
  await worker.waitUntilReady();

  let closing: Promise<void> | null = null;
  return {
    workerId,
    close() {
      closing ??= (async () => {
        clearInterval(reaperTimer);
        shutdown.abort();
        await worker.close();
        await relay.stop();
        await reaping;
        await producer.close();
        connection.disconnect();
        // Every phase has ended (and removed its workspace) by now.
        await workspaces.release();
      })();
      return closing;
    },
    interrupt() {
      interruption.abort();
    },
  };
}

/** A line in the interrupted apply's own log: where its workspace (and maybe its state) is kept. */
async function tellRunWhereItsWorkspaceIs(services: CoreServices, workerId: string, kept: { dir: string; label: Record<string, string> }): Promise<void> {
  const { accountId, runId } = kept.label;
  if (!accountId || !runId) return;
  const scope = await systemScope(services, accountId, { kind: 'WORKER', id: workerId, name: `worker ${workerId}` });
  const writer = await createRunLogWriter({ redis: services.redis, store: createLogChunkStore(scope.db), runId, state: 'APPLYING' });
  await writer.write(
    `${GANTRY_PREFIX}The worker running this apply died. Its workspace is kept on host ${hostname()} in ${kept.dir}: ` +
      'if the configuration keeps its state locally, that state may hold what the apply changed. Compare it with the ' +
      'stack before unlocking the stack, then delete the directory (it holds this run\'s secrets).\n',
  );
  await writer.close();
}
