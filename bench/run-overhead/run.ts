import { parseArgs } from 'node:util';
import { createGitRepoFixture, manyResourcesConfig, noChangesConfig } from '@gantry/test-support';
import { plainTofuRun, runnerOnlyRun } from './baseline.ts';
import { GantrySystem, stateAt } from './gantry.ts';
import { describe, fmt, percentile } from './stats.ts';

/**
 * Run overhead benchmark, on the same N-resource configuration (default 50 terraform_data):
 *   (b) plain `tofu init`, `tofu plan -out`, `tofu apply <plan>` in a fresh directory
 *   (r) Gantry's runner phases alone (checkout, init, plan, show, archive; restore, verify, apply)
 *   (a) Gantry end to end: trigger (core) → outbox → BullMQ → worker process → FINISHED, autodeploy,
 *       a fresh stack (empty state) each repetition
 * then the trigger → worker start latency (QUEUED → PREPARING in the run's timeline) over many
 * sequential no-op runs.
 *
 * Needs Postgres and Redis (as the integration tests do).
 * Usage: pnpm --filter @gantry/bench bench:run-overhead [--reps 5] [--resources 50] [--latency-runs 100]
 *        [--skip-system]
 */
const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    resources: { type: 'string', default: '50' },
    'latency-runs': { type: 'string', default: '100' },
    'skip-system': { type: 'boolean', default: false },
    'redis-url': { type: 'string', default: process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const reps = positive('reps');
const resources = positive('resources');
const latencyRuns = positive('latency-runs');

function positive(name: 'reps' | 'resources' | 'latency-runs'): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const files = manyResourcesConfig({ count: resources });
const repo = await createGitRepoFixture({ files });
const noopRepo = await createGitRepoFixture({ files: noChangesConfig() });
const system = values['skip-system'] ? null : await GantrySystem.start(values['redis-url']);
try {
  console.log(`Run overhead: ${resources} terraform_data resources, ${reps} repetitions each\n`);
  // One untimed run of each warms caches (the tofu binary is 79 MB; the worker loads its modules).
  await plainTofuRun(files);
  await runnerOnlyRun(repo);
  if (system) await system.triggerAndWait(await system.createStack(repo, 'warm-up'));

  const plain: number[] = [];
  const runner: number[] = [];
  const gantry: number[] = [];
  for (let rep = 0; rep < reps; rep += 1) {
    // Interleaved, so drift in machine load affects each alike.
    plain.push(await plainTofuRun(files));
    runner.push(await runnerOnlyRun(repo));
    if (system) {
      const { run, triggeredAt } = await system.triggerAndWait(await system.createStack(repo, `bench-${rep}`));
      gantry.push(stateAt(run, 'FINISHED') - triggeredAt);
    }
  }
  const median = (values: number[]) => percentile(values, 50);
  console.log(`(b) plain tofu init/plan/apply        ${describe(plain)}`);
  console.log(`(r) runner phases (no queue, no db)    ${describe(runner)}`);
  if (system) console.log(`(a) Gantry trigger → FINISHED           ${describe(gantry)}`);
  console.log('');
  console.log(`runner / plain (medians): ${(median(runner) / median(plain)).toFixed(2)}x  (+${fmt(median(runner) - median(plain))})`);
  if (system) {
    console.log(`Gantry / plain (medians): ${(median(gantry) / median(plain)).toFixed(2)}x  (+${fmt(median(gantry) - median(plain))})`);

    const stackId = await system.createStack(noopRepo, 'latency');
    const latencies: number[] = [];
    for (let index = 0; index < latencyRuns; index += 1) {
      const { run } = await system.triggerAndWait(stackId);
      latencies.push(stateAt(run, 'PREPARING') - stateAt(run, 'QUEUED'));
    }
    console.log(
      `\ntrigger → worker start (QUEUED → PREPARING), ${latencyRuns} runs: p50 ${fmt(percentile(latencies, 50))}  p99 ${fmt(percentile(latencies, 99))}  max ${fmt(Math.max(...latencies))}`,
    );
  }
} finally {
  await system?.close();
  await repo.cleanup();
  await noopRepo.cleanup();
}
