import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTestAccount, createTestServices } from '@gantry/core/testing';
import { createGitRepoFixture, manyResourcesConfig, noChangesConfig } from '@gantry/test-support';
import type { Measured } from './baseline.ts';
import { profileDatabaseHotPath, printDatabaseHotPath, type OperationProfile } from './db-hot-path.ts';
import type { CpuGroup, CpuReading } from './cpu-accounting.ts';
import { GantrySystem, stateAt, type TriggeredRun } from './gantry.ts';
import { LightProcess } from './light-process.ts';
import { describe, fmt, percentile } from './stats.ts';

/**
 * Run overhead benchmark, on the same N-resource configuration (default 50 terraform_data):
 *   (b) plain `tofu init`, `tofu plan -out`, `tofu apply <plan>` in a fresh directory
 *   (r) Gantry's runner alone: plan + archive + restore + apply (a confirmed run), and plan + apply in
 *       place (autodeploy)
 *   (a) Gantry end to end: trigger (core) → outbox → BullMQ → worker process → FINISHED, autodeploy,
 *       a fresh stack (empty state) each repetition
 * ((b) and (r) in a child process without a database client: baseline-child.ts), then where the time
 * goes, the trigger → worker start latency over many sequential no-op runs, and the database work of
 * one run operation by operation (round trips and milliseconds; db-hot-path.ts).
 *
 * Needs Postgres and Redis (as the integration tests do).
 * Usage: pnpm --filter @gantry/bench bench:run-overhead [--reps 5] [--resources 50] [--latency-runs 100]
 *        [--db-reps 30] [--skip-system] [--db-only] [--show-sql]
 *        [--b-worker-root DIR] [--b-worker-env NAME=VALUE,…] [--b-commit-pin-delay-ms MS]
 * With --b-worker-root (apps/worker of another checkout), --b-worker-env or --b-commit-pin-delay-ms
 * (the trigger's, in this process), a second system (B) runs
 * (a) interleaved with the first (A), for an A/B comparison under the same load.
 */
const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    resources: { type: 'string', default: '50' },
    'latency-runs': { type: 'string', default: '100' },
    'skip-system': { type: 'boolean', default: false },
    'db-reps': { type: 'string', default: '30' },
    'db-only': { type: 'boolean', default: false },
    'show-sql': { type: 'boolean', default: false },
    'b-worker-root': { type: 'string' },
    'b-worker-env': { type: 'string' },
    'b-commit-pin-delay-ms': { type: 'string' },
    'redis-url': { type: 'string', default: process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const reps = positive('reps');
const resources = positive('resources');
const latencyRuns = positive('latency-runs');
const dbReps = Number(values['db-reps']);
if (!Number.isInteger(dbReps) || dbReps < 0) throw new Error('--db-reps must be a non-negative integer');

function positive(name: 'reps' | 'resources' | 'latency-runs'): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/**
 * Figures of the code before this benchmark's first round of work (commit 8f4ade3), on the same
 * shared 2-core machine, for comparison (see README.md).
 */
const BEFORE = { plain: 301, runner: 661, gantry: 854, latencyP50: 100, latencyP99: 296 };
const TARGET = { ratio: 1.3, p99: 250 };
const GOAL = { ratio: 1.1, p99: 50 };

/** Steps measured while another step runs (or inside one): shown, but not added to the total. */
const OVERLAPPING: Record<string, string> = {
  resolve: 'ls-remote, from the claim on; resolve.wait is what is left of it after claim + open',
  'plan.version': 'while git checks out; asked once per worker process',
  'plan.archive': 'while show -json runs',
  'plan.onStage': 'starting the transitions below',
  'transition.START_INITIALIZING': 'recorded while tofu init starts',
  'transition.START_PLANNING': 'recorded while tofu plan starts',
  'describe∥apply': 'show -json while tofu apply runs',
  'recordPlanSummary': 'while tofu apply runs',
  'describe.show': 'while tofu apply runs',
  'describe.summarize': 'while tofu apply runs',
};

/** The worker's steps that are one database operation of the database section, by that operation's name. */
const DATABASE_OPERATION_OF_STEP: Record<string, string> = {
  'trigger request (run, timeline, outbox rows)': 'trigger',
  claim: 'claim (+ variables, state, log seq)',
  'transition.START_INITIALIZING': 'INITIALIZING (+ commit)',
  'transition.START_PLANNING': 'PLANNING',
  recordPlan: 'recordPlan (→ APPLYING)',
  recordPlanSummary: 'recordPlanSummary (∥ apply)',
  finishApply: 'state + log end + FINISHED',
};

const median = (values: number[]) => percentile(values, 50);

if (values['db-only']) {
  printDatabaseHotPath(await databaseProfiles(), values['show-sql']);
  process.exit(0);
}

/** The database hot path on its own database (no worker there: the runs are driven by hand). */
async function databaseProfiles(): Promise<OperationProfile[]> {
  if (dbReps === 0) return [];
  // The branch head, as a repository would answer it (no git process: this measures the database).
  const test = await createTestServices({ redisUrl: null, resolveCommit: async () => ({ sha: 'b'.repeat(40), message: null }) });
  try {
    const { scope } = await createTestAccount(test.services, 'DbBench');
    return await profileDatabaseHotPath(scope, '/srv/bench-repo', dbReps);
  } finally {
    await test.cleanup();
  }
}

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
const loadAtStart = load();
// (b) and (r) run in a child process that never loads a database client (baseline-child.ts says
// why), started before this process runs its first query.
const light = LightProcess.start();
const files = manyResourcesConfig({ count: resources });
const repo = await createGitRepoFixture({ files });
const noopRepo = await createGitRepoFixture({ files: noChangesConfig() });
const cacheDir = await mkdtemp(join(tmpdir(), 'gantry-bench-git-cache-'));
const plainTofuRun = () => light.measure({ kind: 'plain', resources });
const runnerOnlyRun = (mode: 'archive' | 'in-place') => light.measure({ kind: mode, repo: { url: repo.url, sha: repo.sha }, cacheDir });
const system = values['skip-system'] ? null : await GantrySystem.start(values['redis-url']);
const bCommitPinDelayMs = values['b-commit-pin-delay-ms'] === undefined ? undefined : Number(values['b-commit-pin-delay-ms']);
if (bCommitPinDelayMs !== undefined && !(Number.isInteger(bCommitPinDelayMs) && bCommitPinDelayMs >= 0)) throw new Error('--b-commit-pin-delay-ms must be a non-negative integer');
const compared = values['b-worker-root'] !== undefined || values['b-worker-env'] !== undefined || values['b-commit-pin-delay-ms'] !== undefined;
const bWorker = {
  ...(values['b-worker-root'] ? { root: values['b-worker-root'] } : {}),
  env: Object.fromEntries((values['b-worker-env'] ?? '').split(',').filter(Boolean).map((pair) => [pair.split('=')[0]!, pair.split('=').slice(1).join('=')])),
};
// A B that fails to start must not leave A's worker and database behind.
const systemB = system && compared ? await GantrySystem.start(values['redis-url'], bWorker, bCommitPinDelayMs).catch(async (error: unknown) => {
  await system.close();
  throw error;
}) : null;
try {
  console.log(`Run overhead: ${resources} terraform_data resources, ${reps} repetitions each; load average ${loadAtStart}\n`);
  // One untimed run of each warms caches (the tofu binary is 79 MB; the worker loads its modules,
  // fetches the commit into its repository cache and asks tofu its version once).
  await plainTofuRun();
  await runnerOnlyRun('archive');
  if (system) await system.triggerAndWait(await system.createStack(repo, 'warm-up'));
  if (systemB) await systemB.triggerAndWait(await systemB.createStack(repo, 'warm-up'));

  const plain: Measured[] = [];
  const runnerArchive: Measured[] = [];
  const runnerInPlace: Measured[] = [];
  const gantry: TriggeredRun[] = [];
  const gantryB: TriggeredRun[] = [];
  for (let rep = 0; rep < reps; rep += 1) {
    // Interleaved, so drift in machine load affects each alike.
    plain.push(await plainTofuRun());
    runnerArchive.push(await runnerOnlyRun('archive'));
    runnerInPlace.push(await runnerOnlyRun('in-place'));
    // A and B take turns going first.
    const order = rep % 2 === 0 ? ([system, systemB] as const) : ([systemB, system] as const);
    for (const which of order) {
      if (which) (which === system ? gantry : gantryB).push(await which.triggerAndWait(await which.createStack(repo, `bench-${rep}`)));
    }
  }
  const gantryMs = gantry.map((g) => stateAt(g.run, 'FINISHED') - g.triggeredAt);
  const gantryBMs = gantryB.map((g) => stateAt(g.run, 'FINISHED') - g.triggeredAt);
  const ms = (measured: Measured[]) => measured.map((m) => m.ms);
  console.log(`(b) plain tofu init/plan/apply                   ${describe(ms(plain))}`);
  console.log(`(r) runner: plan, archive, restore, apply         ${describe(ms(runnerArchive))}`);
  console.log(`(r) runner: plan, apply in place (autodeploy)     ${describe(ms(runnerInPlace))}`);
  if (system) console.log(`(a) Gantry trigger → FINISHED (autodeploy)        ${describe(gantryMs)}`);
  if (systemB) console.log(`(a) B: ${JSON.stringify(bWorker).slice(0, 40).padEnd(43)} ${describe(gantryBMs)}`);
  console.log('');
  const ratio = (value: number) => `${(value / median(ms(plain))).toFixed(2)}x  (+${fmt(value - median(ms(plain)))})`;
  console.log(`runner (archive) / plain:   ${ratio(median(ms(runnerArchive)))}`);
  console.log(`runner (in place) / plain:  ${ratio(median(ms(runnerInPlace)))}`);
  if (system) {
    const gantryRatio = median(gantryMs) / median(ms(plain));
    console.log(`Gantry / plain:             ${ratio(median(gantryMs))}   ${verdict(gantryRatio, TARGET.ratio, GOAL.ratio)}`);
    // Each Gantry run against the plain run of the same repetition (seconds apart): drift cancels out.
    const pairedRatios = gantryMs.map((value, index) => value / plain[index]!.ms);
    console.log(`  per repetition (Gantry ÷ the plain run beside it): median ${median(pairedRatios).toFixed(2)}x, p25 – p75 ${percentile(pairedRatios, 25).toFixed(2)} – ${percentile(pairedRatios, 75).toFixed(2)}x`);
    if (systemB) {
      const paired = gantryBMs.map((b, index) => b - gantryMs[index]!);
      console.log(`Gantry B / plain:           ${ratio(median(gantryBMs))}   (B − A per repetition: median ${fmt(median(paired))})`);
    }
    console.log(
      `  before: plain ${BEFORE.plain} ms, runner ${BEFORE.runner} ms, Gantry ${BEFORE.gantry} ms = ${(BEFORE.gantry / BEFORE.plain).toFixed(2)}x`,
    );
  }

  console.log('\nWhere the time goes (median ms per step over the repetitions)');
  console.log(`(b) plain: ${Object.entries(medianSteps(plain.map((m) => m.steps))).map(([step, value]) => `${step} ${value.toFixed(0)}`).join(' · ')}`);
  console.log(`(r) runner, archive:  ${oneLine(medianSteps(runnerArchive.map((m) => m.steps)))}`);
  console.log(`(r) runner, in place: ${oneLine(medianSteps(runnerInPlace.map((m) => m.steps)))}`);
  // The database section runs on a database of its own, after the runs above (no worker there).
  const profiles = await databaseProfiles();
  if (system) printGantryBreakdown(gantry, gantryMs, profiles);
  if (systemB) printGantryBreakdown(gantryB, gantryBMs, profiles, 'B');

  if (system) {
    const stackId = await system.createStack(noopRepo, 'latency');
    const toStart: number[] = [];
    const request: number[] = [];
    const commitToStart: number[] = [];
    const relay: number[] = [];
    const pickup: number[] = [];
    const claim: number[] = [];
    for (let index = 0; index < latencyRuns; index += 1) {
      const triggered = await system.triggerAndWait(stackId);
      const preparing = stateAt(triggered.run, 'PREPARING');
      const job = triggered.jobs.find((j) => j.phase === 'plan');
      toStart.push(preparing - triggered.triggeredAt);
      request.push(triggered.answeredAt - triggered.triggeredAt);
      commitToStart.push(preparing - stateAt(triggered.run, 'QUEUED'));
      if (job) {
        relay.push(job.enqueuedAt - stateAt(triggered.run, 'QUEUED'));
        pickup.push(job.startedAt - job.enqueuedAt);
        claim.push(preparing - job.startedAt);
      }
    }
    const p = (values: number[]) => `p50 ${fmt(percentile(values, 50))}  p99 ${fmt(percentile(values, 99))}  max ${fmt(Math.max(...values))}`;
    console.log(`\ntrigger → worker start, ${latencyRuns} sequential no-op runs on an idle worker`);
    console.log(`  trigger call → PREPARING (worker claimed)     ${p(toStart)}   ${verdict(percentile(toStart, 99), TARGET.p99, GOAL.p99, ' ms')}`);
    console.log(`    the trigger request itself (no git)          ${p(request)}`);
    console.log(`    commit (QUEUED) → PREPARING                  ${p(commitToStart)}`);
    if (relay.length > 0) {
      console.log(`      commit → job in BullMQ (NOTIFY, relay)     ${p(relay)}`);
      console.log(`      job in BullMQ → worker picks it up         ${p(pickup)}`);
      console.log(`      pick-up → claimed (account, lease tx)      ${p(claim)}`);
    }
    console.log(`  before: trigger call → claim p50 ~${BEFORE.latencyP50} ms, p99 ${BEFORE.latencyP99} ms (ls-remote + fetch in the request)`);
  }
  if (profiles.length > 0) printDatabaseHotPath(profiles, values['show-sql']);
  console.log(`\nload average at the start ${loadAtStart}, at the end ${load()}`);
} finally {
  await system?.close();
  await systemB?.close();
  await light.close();
  await repo.cleanup();
  await noopRepo.cleanup();
  await rm(cacheDir, { recursive: true, force: true });
}

function verdict(value: number, target: number, goal: number, unit = 'x'): string {
  const shown = (n: number) => (unit === 'x' ? `${n}x` : `${n}${unit}`);
  if (value <= goal) return `meets the goal (≤ ${shown(goal)})`;
  if (value <= target) return `meets the target (≤ ${shown(target)}), not the goal (≤ ${shown(goal)})`;
  return `MISSES the target (≤ ${shown(target)})`;
}

/** Median of each step over samples (a step missing in a sample counts as 0 there). */
function medianSteps(samples: Array<Record<string, number>>): Record<string, number> {
  const names = [...new Set(samples.flatMap((sample) => Object.keys(sample)))];
  return Object.fromEntries(names.map((name) => [name, median(samples.map((sample) => sample[name] ?? 0))]));
}

function oneLine(steps: Record<string, number>): string {
  return Object.entries(steps)
    .filter(([, value]) => value >= 0.5)
    .map(([step, value]) => `${step}${OVERLAPPING[step] ? '∥' : ''} ${value.toFixed(0)}`)
    .join(' · ');
}

function printGantryBreakdown(runs: TriggeredRun[], totals: number[], profiles: OperationProfile[], label = ''): void {
  const tripsOf = (step: string) => {
    const profile = profiles.find((p) => p.name === DATABASE_OPERATION_OF_STEP[step]);
    return profile ? ` [${profile.statements} round trips]` : '';
  };
  const rows: Array<[string, number, string?]> = [];
  const perRun = runs.map((g) => {
    const job = g.jobs.find((j) => j.phase === 'plan');
    const steps: Record<string, number> = {
      'trigger request (run, timeline, outbox rows)': g.answeredAt - g.triggeredAt,
    };
    if (job) {
      steps['trigger answered → job in BullMQ (relay)'] = Math.max(0, job.enqueuedAt - g.answeredAt);
      steps['job in BullMQ → worker picks it up'] = job.startedAt - job.enqueuedAt;
      Object.assign(steps, job.timings);
      steps['job end → FINISHED visible'] = 0;
    }
    return steps;
  });
  const medians = medianSteps(perRun);
  let accounted = 0;
  for (const [step, value] of Object.entries(medians)) {
    const overlapping = OVERLAPPING[step];
    if (!overlapping) accounted += value;
    rows.push([step, value, overlapping]);
  }
  console.log(`(a) Gantry${label ? ` ${label}` : ''}, trigger → FINISHED (median ${fmt(median(totals))}):`);
  for (const [step, value, note] of rows) {
    if (value < 0.5 && step !== 'job end → FINISHED visible') continue;
    if (step === 'job end → FINISHED visible') continue;
    console.log(`    ${step.padEnd(48)} ${value.toFixed(0).padStart(5)}${tripsOf(step)}${note ? `   (∥ ${note})` : ''}`);
  }
  console.log(`    ${'sum of the steps above'.padEnd(48)} ${accounted.toFixed(0).padStart(5)}`);
  console.log(`    ${'not in any step (awaits, scheduling)'.padEnd(48)} ${(median(totals) - accounted).toFixed(0).padStart(5)}`);
  printCpu(runs.map((run) => run.cpu));
}

/** Mean CPU per run by process group (/proc counts in 10 ms ticks: a mean over the runs, not a median). */
function printCpu(readings: CpuReading[]): void {
  const groups = [...new Set(readings.flatMap((reading) => Object.keys(reading)))] as CpuGroup[];
  if (groups.length === 0 || readings.length === 0) return;
  const mean = (group: CpuGroup) => readings.reduce((sum, reading) => sum + (reading[group] ?? 0), 0) / readings.length;
  const total = groups.reduce((sum, group) => sum + mean(group), 0);
  console.log(`    CPU per run, mean (ms): ${groups.map((group) => `${group} ${mean(group).toFixed(0)}`).join(' · ')} · total ${total.toFixed(0)}`);
}
