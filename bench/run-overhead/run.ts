import { parseArgs } from 'node:util';
import { createGitRepoFixture, manyResourcesConfig } from '@gantry/test-support';
import { plainTofuRun, runnerOnlyRun } from './baseline.ts';
import { describe, fmt, percentile } from './stats.ts';

/**
 * Run overhead benchmark. Compares, on the same 50-resource configuration:
 *   (b) plain `tofu init/plan/apply`
 *   (r) Gantry's runner phases alone (checkout, archive, restore, hash check included)
 * Usage: pnpm --filter @gantry/bench bench:run-overhead [--reps 5] [--resources 50]
 */
const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    resources: { type: 'string', default: '50' },
  },
});
const reps = Number(values.reps);
const resources = Number(values.resources);
if (!Number.isInteger(reps) || reps < 1 || !Number.isInteger(resources) || resources < 1) {
  throw new Error('--reps and --resources must be positive integers');
}

const files = manyResourcesConfig({ count: resources });
const repo = await createGitRepoFixture({ files });
try {
  console.log(`Run overhead: ${resources} terraform_data resources, ${reps} repetitions each\n`);
  // One untimed run of each warms the page cache (the tofu binary is 79 MB).
  await plainTofuRun(files);
  await runnerOnlyRun(repo);

  const plain: number[] = [];
  const runner: number[] = [];
  for (let rep = 0; rep < reps; rep += 1) {
    // Interleaved, so drift in machine load affects both alike.
    plain.push(await plainTofuRun(files));
    runner.push(await runnerOnlyRun(repo));
  }
  console.log(`(b) plain tofu init/plan/apply   ${describe(plain)}`);
  console.log(`(r) Gantry runner plan+apply      ${describe(runner)}`);
  const ratio = percentile(runner, 50) / percentile(plain, 50);
  console.log(`\nrunner / plain (medians): ${ratio.toFixed(2)}x  (+${fmt(percentile(runner, 50) - percentile(plain, 50))})`);
} finally {
  await repo.cleanup();
}
