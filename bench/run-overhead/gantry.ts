import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStack, DEFAULT_COMMIT_PIN_DELAY_MS, getRun, getRunStatus, triggerRun, type AccountScope, type RunDetail } from '@gantry/core';
import { createTestAccount, createTestServices, type TestServices } from '@gantry/core/testing';
import type { GitRepoFixture } from '@gantry/test-support';
import { cpuBetween, readCpu, type CpuReading } from './cpu-accounting.ts';

export interface JobProfile {
  phase: string;
  /** When the relay added the job to BullMQ (epoch ms). */
  enqueuedAt: number;
  /** When the worker's processor started the job (epoch ms). */
  startedAt: number;
  waitedMs: number;
  /** Milliseconds per step of the job, as the worker measured them. */
  timings: Record<string, number>;
}

export interface TriggeredRun {
  run: RunDetail;
  /** The trigger call began (epoch ms). */
  triggeredAt: number;
  /** The trigger call returned. */
  answeredAt: number;
  jobs: JobProfile[];
  /** CPU milliseconds by process group from the trigger call to the run's end being seen. */
  cpu: CpuReading;
}

/** apps/worker of this repository: started exactly as `pnpm --filter @gantry/worker start` does. */
const workerRoot = fileURLToPath(new URL('../../apps/worker/', import.meta.url));
/** A safety net only: the wait wakes on the worker's output (see triggerAndWait). */
const POLL_MS = 2_000;

/**
 * The whole Gantry path on a fresh database: core use-cases trigger runs, the outbox relay and BullMQ
 * carry the phase jobs, and a real worker process (apps/worker, started as in production) runs them.
 */
export class GantrySystem {
  private constructor(
    private readonly test: TestServices,
    readonly scope: AccountScope,
    private readonly worker: ChildProcess,
    private readonly workDir: string,
    private readonly output: () => string,
    /** Resolves at the worker's next output (or after `ms`). */
    private readonly nextOutput: (ms: number) => Promise<void>,
  ) {}

  /**
   * `worker.root`: apps/worker of another checkout (to compare two versions of the code, A/B);
   * `worker.env`: more environment for the worker (to compare settings);
   * `commitPinDelayMs`: how long the trigger's process leaves a READY run to the worker before pinning
   * its commit itself (default: as in production).
   */
  static async start(
    redisUrl: string,
    worker: { root?: string; env?: Record<string, string> } = {},
    commitPinDelayMs = DEFAULT_COMMIT_PIN_DELAY_MS,
  ): Promise<GantrySystem> {
    const test = await createTestServices({ redisUrl, commitPinDelayMs });
    const { scope } = await createTestAccount(test.services, 'Bench');
    const workDir = await mkdtemp(join(tmpdir(), 'gantry-bench-work-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: worker.root ?? workerRoot,
      env: {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        NODE_ENV: 'production',
        DATABASE_URL: test.database.url,
        REDIS_URL: redisUrl,
        GANTRY_ENCRYPTION_KEY: test.encryptionKey.toString('base64'),
        GANTRY_QUEUE_PREFIX: `gantry-bench-${randomBytes(6).toString('hex')}`,
        GANTRY_WORK_DIR: workDir,
        GANTRY_WORKER_CONCURRENCY: '2',
        ...worker.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const waiters = new Set<() => void>();
    const received = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      for (const wake of waiters) wake();
      waiters.clear();
    };
    child.stdout!.on('data', received);
    child.stderr!.on('data', received);
    const nextOutput = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => (waiters.delete(wake), resolve()), ms);
        const wake = () => (clearTimeout(timer), resolve());
        waiters.add(wake);
      });
    const system = new GantrySystem(test, scope, child, workDir, () => output, nextOutput);
    await system.waitForWorkerReady().catch(async (error: unknown) => {
      await system.close();
      throw error;
    });
    return system;
  }

  private async waitForWorkerReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!/gantry worker .* ready/.test(this.output())) {
      if (this.worker.exitCode !== null) throw new Error(`worker exited:\n${this.output()}`);
      if (Date.now() > deadline) throw new Error(`worker not ready after 60 s:\n${this.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async createStack(repo: GitRepoFixture, name: string): Promise<string> {
    const stack = await createStack(this.scope, {
      name,
      repositoryUrl: repo.url,
      branch: repo.branch,
      labels: [],
      autodeploy: true,
    });
    return stack.id;
  }

  /**
   * Triggers a tracked run and waits for its end; returns the run, when the trigger call began and
   * returned (epoch ms), and the worker's profile of each phase job of the run.
   */
  async triggerAndWait(stackId: string, timeoutMs = 300_000): Promise<TriggeredRun> {
    const cpuBefore = readCpu(this.worker.pid);
    const triggeredAt = Date.now();
    const { id } = await triggerRun(this.scope, { stackId });
    const answeredAt = Date.now();
    const deadline = triggeredAt + timeoutMs;
    // The measured times are the run's own timestamps; the wait only must not take CPU from the run
    // (two cores): no polling while it runs. The worker prints a line when it ends a job
    // (`run <id> <phase>: …`), and the run's state is read only then (or every POLL_MS, a safety net).
    const jobLine = new RegExp(` run ${id} (plan|apply|perform): `, 'gm');
    let jobsSeen = 0;
    let polledAt = answeredAt;
    for (;;) {
      const jobs = this.output().match(jobLine)?.length ?? 0;
      const woke = jobs > jobsSeen;
      jobsSeen = jobs;
      if (woke || Date.now() - polledAt >= POLL_MS) {
        polledAt = Date.now();
        const status = await getRunStatus(this.scope, id);
        if (status.terminal) {
          const cpu = cpuBetween(cpuBefore, readCpu(this.worker.pid));
          const run = await getRun(this.scope, id);
          if (run.state !== 'FINISHED') throw new Error(`run ${id} ended ${run.state}: ${run.error ?? ''}\n${this.output()}`);
          return { run, triggeredAt, answeredAt, jobs: await this.jobProfiles(id), cpu };
        }
      }
      if (Date.now() > deadline) throw new Error(`run ${id} still not finished after ${timeoutMs} ms`);
      await this.nextOutput(POLL_MS);
    }
  }

  /** The worker prints one line per job, `run <id> <phase>: <outcome> (<ms> ms) {profile}`, once the job is done. */
  private async jobProfiles(runId: string): Promise<JobProfile[]> {
    const pattern = new RegExp(`run ${runId} (plan|apply|perform): .*? (\\{"enqueuedAt".*)$`, 'gm');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = [...this.output().matchAll(pattern)].map((match) => ({ phase: match[1]!, ...(JSON.parse(match[2]!) as Omit<JobProfile, 'phase'>) }));
      if (found.length > 0 || Date.now() > deadline) return found;
      await this.nextOutput(100);
    }
  }

  async close(): Promise<void> {
    if (this.worker.exitCode === null) {
      const exited = new Promise((resolve) => this.worker.once('exit', resolve));
      this.worker.kill('SIGTERM');
      const timer = setTimeout(() => this.worker.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    await this.test.cleanup();
    await rm(this.workDir, { recursive: true, force: true });
  }
}

/** When the run entered `state`, from its stored timeline. */
export function stateAt(run: RunDetail, state: string): number {
  const entry = run.transitions.find((transition) => transition.state === state);
  if (!entry) throw new Error(`run ${run.id} never entered ${state}`);
  return entry.at.getTime();
}
