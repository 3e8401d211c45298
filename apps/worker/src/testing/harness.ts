// Shared setup of the worker's integration tests: a fresh database, core services over it, a
// signed-up account, a private queue prefix, work directories, and helpers to wait for run states.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStack, getRun, type AccountScope, type RunDetail, type StackInput } from '@gantry/core';
import { createTestAccount, createTestServices, testRedisUrl, type TestServices } from '@gantry/core/testing';
import { isTerminal, type RunState } from '@gantry/domain';
import { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from './worker-process.ts';

export interface Harness {
  t: TestServices;
  scope: AccountScope;
  queuePrefix: string;
  tmp: string;
  workers: WorkerProcess[];
  startWorker(options?: Partial<WorkerProcessOptions>): Promise<WorkerProcess>;
  stack(input: Partial<StackInput> & { repositoryUrl: string; name: string }): ReturnType<typeof createStack>;
  waitForRun(runId: string, until: (run: RunDetail) => boolean, timeoutMs?: number): Promise<RunDetail>;
  waitForState(runId: string, states: RunState | RunState[], timeoutMs?: number): Promise<RunDetail>;
  logText(runId: string): Promise<string>;
  close(): Promise<void>;
}

export async function createHarness(name: string): Promise<Harness> {
  const t = await createTestServices({ redisUrl: testRedisUrl });
  const { scope } = await createTestAccount(t.services, name);
  const tmp = await mkdtemp(join(tmpdir(), `gantry-worker-test-`));
  const queuePrefix = `gantry-test-${randomBytes(6).toString('hex')}`;
  const workers: WorkerProcess[] = [];

  const harness: Harness = {
    t,
    scope,
    queuePrefix,
    tmp,
    workers,
    async startWorker(options = {}) {
      const worker = await startWorkerProcess({
        databaseUrl: t.database.url,
        redisUrl: testRedisUrl,
        encryptionKey: t.encryptionKey,
        queuePrefix,
        workDir: join(tmp, `work-${workers.length}`),
        ...options,
      });
      workers.push(worker);
      return worker;
    },
    stack(input) {
      return createStack(scope, { branch: 'main', labels: [], ...input });
    },
    async waitForRun(runId, until, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      let run = await getRun(scope, runId);
      while (!until(run)) {
        if (Date.now() > deadline) {
          throw new Error(
            `run ${runId} stuck in ${run.state} (${run.error ?? ''}); timeline: ${run.transitions.map((x) => `${x.state}${x.reason ? ` (${x.reason})` : ''}`).join(' → ')}\nworker output:\n${workers.map((w) => w.output()).join('\n---\n')}`,
          );
        }
        await new Promise((r) => setTimeout(r, 100));
        run = await getRun(scope, runId);
      }
      return run;
    },
    waitForState(runId, states, timeoutMs) {
      const wanted = Array.isArray(states) ? states : [states];
      return harness.waitForRun(
        runId,
        (run) => {
          if (wanted.includes(run.state)) return true;
          if (isTerminal(run.state)) throw new Error(`run ${runId} ended ${run.state} (${run.error}) while waiting for ${wanted.join('/')}`);
          return false;
        },
        timeoutMs,
      );
    },
    async logText(runId) {
      const chunks = await scope.db.logChunk.findMany({ where: { runId }, orderBy: { seq: 'asc' } });
      return chunks.map((c) => c.text).join('');
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop(30_000).catch(() => w.kill())));
      await t.cleanup();
      await rm(tmp, { recursive: true, force: true });
    },
  };
  return harness;
}
