import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  advance,
  claimPhase,
  createLogChunkStore,
  createStack,
  finishApply,
  heartbeat,
  recordPlan,
  recordPlanSummary,
  triggerRun,
  type AccountScope,
} from '@gantry/core';
import { observeStatements, type StatementTiming } from '@gantry/db';
import { percentile } from './stats.ts';

/**
 * The database work of one autodeploy run, operation by operation, as the worker does it (same core
 * functions, same order), with every statement observed at the pg client: how many round trips each
 * operation takes and how long they and the whole operation last. No OpenTofu, no queue: the state
 * machine is driven directly, so this isolates the database layer (Prisma, row-level security, the
 * transition function).
 */
export interface OperationProfile {
  name: string;
  /** Round trips (statements, BEGIN and COMMIT included) of one run. */
  statements: number;
  /** Median over the repetitions: the operation as the caller waits for it. */
  ms: number;
  /** Median time spent waiting on the statements themselves. */
  statementMs: number;
  /** Median CPU of this Node process during the operation (Prisma, pg, the tenant handle). */
  cpuMs: number;
  /** The statements of the last repetition, shortened. */
  sample: string[];
}

type Operation = { name: string; run: () => Promise<unknown> };

const WORKER = { id: 'bench-worker:1', leaseMs: 60_000 };

/** A 50-resource state file's worth of bytes (the real one is ~40 KB). */
const STATE = Buffer.from(JSON.stringify({ version: 4, serial: 1, lineage: 'bench', resources: 'x'.repeat(40_000) }));

function shorten(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 110 ? `${flat.slice(0, 107)}...` : flat;
}

export async function profileDatabaseHotPath(scope: AccountScope, repositoryUrl: string, reps: number): Promise<OperationProfile[]> {
  const samples = new Map<string, { statements: number[]; ms: number[]; cpuMs: number[]; statementMs: number[]; sample: string[] }>();
  let current: StatementTiming[] | null = null;
  const stop = observeStatements((statement) => current?.push(statement));
  try {
    for (let rep = 0; rep < reps + 1; rep += 1) {
      const stack = await createStack(scope, {
        name: `db-bench-${rep}-${randomBytes(3).toString('hex')}`,
        repositoryUrl,
        branch: 'main',
        labels: [],
        autodeploy: true,
      });
      let runId = '';
      let leaseToken = '';
      const logs = createLogChunkStore(scope.db);
      const operations: Operation[] = [
        { name: 'trigger', run: async () => (runId = (await triggerRun(scope, { stackId: stack.id })).id) },
        // The trigger pins the run to the branch head in the background (ls-remote, then an update).
        { name: 'commit pin (after trigger)', run: () => scope.services.commitPins.settle() },
        {
          name: 'claim (+ variables, state, log seq)',
          run: async () => {
            const claimed = await claimPhase(scope, runId, 'plan', WORKER);
            if (!claimed) throw new Error('claim refused');
            leaseToken = claimed.leaseToken;
          },
        },
        {
          name: 'INITIALIZING (+ commit)',
          run: () =>
            advance(scope, runId, leaseToken, { type: 'START_INITIALIZING' }, {
              actorId: WORKER.id,
              stackId: stack.id,
              update: { commitSha: 'a'.repeat(40), commitMessage: 'bench' },
            }),
        },
        { name: 'PLANNING', run: () => advance(scope, runId, leaseToken, { type: 'START_PLANNING' }, { actorId: WORKER.id, stackId: stack.id }) },
        { name: 'log chunk append', run: () => logs.append([{ runId, seq: 0, state: 'PLANNING', text: 'Plan: 50 to add\n' }]) },
        { name: 'heartbeat', run: () => heartbeat(scope, runId, leaseToken, WORKER.leaseMs) },
        {
          name: 'recordPlan (→ APPLYING)',
          run: () =>
            recordPlan(scope, runId, leaseToken, { hasChanges: true, summary: null, resourceChanges: null, planFileSha256: 'f'.repeat(64), archive: null }, WORKER.id),
        },
        {
          name: 'recordPlanSummary (∥ apply)',
          run: () => recordPlanSummary(scope, runId, leaseToken, { summary: { add: 50, change: 0, destroy: 0, replace: 0 }, resourceChanges: [] }),
        },
        {
          // The log's last chunk goes with the transition (the worker's writer hands it over).
          name: 'state + log end + FINISHED',
          run: () =>
            finishApply(scope, runId, leaseToken, { stackId: stack.id, stateOut: STATE }, WORKER.id, {
              chunks: [{ seq: 1, state: 'APPLYING', text: 'Apply complete! Resources: 50 added, 0 changed, 0 destroyed.\n' }],
              afterCommit: async () => {},
            }),
        },
      ];
      for (const operation of operations) {
        current = [];
        if (process.env.BENCH_TRACE_OPS) console.error(`OP ${rep} ${operation.name}`);
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        await operation.run();
        const cpu = process.cpuUsage(cpuBefore);
        const ms = performance.now() - started;
        const statements = current;
        current = null;
        // The first repetition warms Prisma's query caches and the pool.
        if (rep === 0) continue;
        let entry = samples.get(operation.name);
        if (!entry) samples.set(operation.name, (entry = { statements: [], ms: [], cpuMs: [], statementMs: [], sample: [] }));
        entry.statements.push(statements.length);
        entry.ms.push(ms);
        entry.cpuMs.push((cpu.user + cpu.system) / 1000);
        entry.statementMs.push(statements.reduce((sum, s) => sum + s.ms, 0));
        entry.sample = statements.map((s) => `${s.ms.toFixed(1).padStart(5)} ms  ${shorten(s.sql)}`);
      }
    }
  } finally {
    stop();
  }
  return [...samples.entries()].map(([name, entry]) => ({
    name,
    statements: percentile(entry.statements, 50),
    ms: percentile(entry.ms, 50),
    cpuMs: percentile(entry.cpuMs, 50),
    statementMs: percentile(entry.statementMs, 50),
    sample: entry.sample,
  }));
}

/** Operations on the run's critical path (the others run beside a tofu command). */
export const BESIDE_TOFU = new Set(['commit pin (after trigger)', 'INITIALIZING (+ commit)', 'PLANNING', 'log chunk append', 'heartbeat', 'recordPlanSummary (∥ apply)']);

export function printDatabaseHotPath(profiles: OperationProfile[], verbose: boolean): void {
  console.log('\nDatabase work of one autodeploy run (same core calls as the worker, no tofu; medians; ∥ = beside a tofu command)');
  console.log(`    ${'operation'.padEnd(34)} ${'round trips'.padStart(11)} ${'ms'.padStart(7)} ${'in statements'.padStart(14)} ${'Node CPU ms'.padStart(12)}`);
  let trips = 0;
  let ms = 0;
  let cpuMs = 0;
  for (const profile of profiles) {
    const beside = BESIDE_TOFU.has(profile.name);
    if (!beside) {
      trips += profile.statements;
      ms += profile.ms;
      cpuMs += profile.cpuMs;
    }
    console.log(
      `    ${(profile.name + (beside ? ' ∥' : '')).padEnd(34)} ${String(profile.statements).padStart(11)} ${profile.ms.toFixed(1).padStart(7)} ${profile.statementMs.toFixed(1).padStart(14)} ${profile.cpuMs.toFixed(1).padStart(12)}`,
    );
    if (verbose) for (const line of profile.sample) console.log(`        ${line}`);
  }
  console.log(`    ${'critical path (no ∥)'.padEnd(34)} ${String(trips).padStart(11)} ${ms.toFixed(1).padStart(7)} ${''.padStart(14)} ${cpuMs.toFixed(1).padStart(12)}`);
}
