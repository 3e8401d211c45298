import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { confirmRun, discardRun, getRun, loadCurrentState, loadPlanArchive, setVariable, triggerRun, updateStack, type RunDetail } from '@gantry/core';
import { blockingPlanConfig, createFifo, createGitRepoFixture, invalidHclConfig, terraformDataConfig, type GitRepoFixture } from '@gantry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './testing/harness.ts';

// The two ways a plan reaches its apply: an autodeploy run is applied at once by the worker that
// planned it, in the same workspace (no archive); a plan that waits for a human is archived and
// applied by whichever worker takes the apply job. Both check the plan file against the recorded
// hash. And the log of a phase is complete before the transition that ends the phase.

let h: Harness;
const repos: GitRepoFixture[] = [];
async function repo(files: Parameters<typeof createGitRepoFixture>[0]['files'], message?: string) {
  const fixture = await createGitRepoFixture({ files, ...(message ? { message } : {}) });
  repos.push(fixture);
  return fixture;
}

beforeAll(async () => {
  h = await createHarness('ApplyPaths');
});

afterAll(async () => {
  await h?.close();
  await Promise.all(repos.map((r) => r.cleanup()));
});

/** The plan hash recorded on the run (not part of the API's run view). */
async function recordedPlanHash(runId: string): Promise<string> {
  const row = await h.scope.db.run.findUniqueOrThrow({ where: { id: runId }, select: { planFileSha256: true } });
  expect(row.planFileSha256).toMatch(/^[0-9a-f]{64}$/);
  return row.planFileSha256!;
}

/** Every stored chunk of the run's log was written before the transition into `state`. */
async function logEndsBefore(run: RunDetail, state: string): Promise<void> {
  const at = run.transitions.findLast((t) => t.state === state)!.at.getTime();
  const chunks = await h.scope.db.logChunk.findMany({ where: { runId: run.id }, orderBy: { seq: 'asc' }, select: { seq: true, createdAt: true } });
  expect(chunks.length).toBeGreaterThan(0);
  expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
  for (const chunk of chunks) expect(chunk.createdAt.getTime()).toBeLessThanOrEqual(at);
}

describe('autodeploy: applied in place by the planning worker', () => {
  it('records the commit, applies exactly the recorded plan (hash checked) and stores summary and state', async () => {
    await h.startWorker({ concurrency: 1 });
    const fixture = await repo(terraformDataConfig({ count: 3 }), 'Three items\n\nBody of the message.');
    const stack = await h.stack({ name: 'in-place', repositoryUrl: fixture.url, autodeploy: true });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    const run = await h.waitForState(id, 'FINISHED');

    expect(run.transitions.map((t) => t.state)).toEqual(['QUEUED', 'READY', 'PREPARING', 'INITIALIZING', 'PLANNING', 'APPLYING', 'FINISHED']);
    expect(run.commitSha).toBe(fixture.sha);
    expect(run.commitMessage).toBe('Three items');
    // The summary is made while the plan is applied, and recorded before the run finishes.
    expect(run.planSummary).toEqual({ add: 3, change: 0, destroy: 0, replace: 0 });
    expect(run.resourceChanges?.map((c) => c.address).sort()).toEqual(['terraform_data.item_0', 'terraform_data.item_1', 'terraform_data.item_2']);
    const log = stripVTControlCharacters(await h.logText(id));
    // The branch head is resolved by the trigger's background pin or by the worker, whichever is first.
    expect(log).toContain(`Checking out commit ${fixture.sha}`);
    expect(log).toContain('workspace kept on this worker');
    expect(log).toContain('Applying the plan in the workspace it was made in, on this worker');
    expect(log).toContain(`Plan file verified (SHA-256 ${await recordedPlanHash(id)})`);
    expect(log).not.toContain('Restoring the workspace');
    expect(log).toMatch(/Apply complete! Resources: 3 added/);
    expect(JSON.parse((await loadCurrentState(h.scope, stack.id))!.bytes.toString('utf8')).resources).toHaveLength(3);
    await logEndsBefore(run, 'FINISHED');

    // A second run finds the commit in the worker's repository cache and has nothing to apply.
    const again = await triggerRun(h.scope, { stackId: stack.id });
    const noop = await h.waitForState(again.id, 'FINISHED');
    expect(noop.hasChanges).toBe(false);
    expect(noop.planSummary).toEqual({ add: 0, change: 0, destroy: 0, replace: 0 });
    expect(stripVTControlCharacters(await h.logText(again.id))).toContain('Commit found in the repository cache of this worker');
    await logEndsBefore(noop, 'FINISHED');
  });

  it('a run whose autodeploy was switched off while it planned waits for a confirmation, with its archive', async () => {
    const fixture = await repo(blockingPlanConfig());
    const fifo = join(h.tmp, 'switch-gate');
    await createFifo(fifo);
    const stack = await h.stack({ name: 'switched-off', repositoryUrl: fixture.url, autodeploy: true });
    await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_block_on', value: fifo, secret: false });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'PLANNING');
    await updateStack(h.scope, { id: stack.id, autodeploy: false });
    writeFileSync(fifo, 'go');
    const waiting = await h.waitForState(id, 'UNCONFIRMED');
    expect(waiting.planSummary).toEqual({ add: 1, change: 0, destroy: 0, replace: 0 });
    expect(await h.t.services.prisma.workspaceArchive.count({ where: { runId: id } })).toBe(1);
    await logEndsBefore(waiting, 'UNCONFIRMED');
    // The stored archive is the one any worker applies (next test); this configuration would block
    // its apply on the gate again, so the plan is discarded here.
    expect((await loadPlanArchive(h.scope, id)).planFileSha256).toBe(await recordedPlanHash(id));
    await discardRun(h.scope, id);
  });
});

describe('the log of a phase', () => {
  it('is complete before the run fails, with the reason as its last line', async () => {
    const broken = await repo(invalidHclConfig());
    const stack = await h.stack({ name: 'log-before-fail', repositoryUrl: broken.url, autodeploy: true });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    const failed = await h.waitForState(id, 'FAILED');
    await logEndsBefore(failed, 'FAILED');
    expect(stripVTControlCharacters(await h.logText(id))).toMatch(/tofu init exited with code 1\n$/);
  });
});

describe('a plan confirmed by a human', () => {
  it('is applied from its archive by another worker, after the plan hash check', async () => {
    await Promise.all(h.workers.map((w) => w.stop()));
    const planner = await h.startWorker({ concurrency: 1, env: { GANTRY_WORKER_ID: 'planner' } });
    const fixture = await repo(terraformDataConfig({ count: 2 }));
    const stack = await h.stack({ name: 'confirmed', repositoryUrl: fixture.url });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    const planned = await h.waitForState(id, 'UNCONFIRMED');
    await logEndsBefore(planned, 'UNCONFIRMED');
    expect(await planner.stop()).toBe(0);

    await h.startWorker({ concurrency: 1, env: { GANTRY_WORKER_ID: 'applier' } });
    await confirmRun(h.scope, id);
    const run = await h.waitForState(id, 'FINISHED');
    const actors = (state: string) => run.transitions.filter((t) => t.state === state).map((t) => t.actor.name);
    expect(actors('PLANNING')).toEqual(['worker planner']);
    expect(actors('APPLYING')).toEqual(['worker applier']);
    const log = stripVTControlCharacters(await h.logText(id));
    expect(log).toContain('Restoring the workspace of the plan');
    expect(log).toContain(`Plan file verified (SHA-256 ${await recordedPlanHash(id)})`);
    expect(log).toMatch(/Apply complete! Resources: 2 added/);
    expect((await loadCurrentState(h.scope, stack.id))?.version).toBe(1);
    await logEndsBefore(run, 'FINISHED');
    expect((await getRun(h.scope, id)).planSummary).toEqual({ add: 2, change: 0, destroy: 0, replace: 0 });
  });
});

describe('a failure of Gantry itself', () => {
  it('tells the run a generic message with a reference; the details go to the worker log under it', async () => {
    // One worker, so its output is where the details must be.
    await Promise.all(h.workers.map((w) => w.stop()));
    const worker = await h.startWorker({ concurrency: 1 });
    const fixture = await repo(terraformDataConfig({ count: 1 }));
    const stack = await h.stack({ name: 'internal-error', repositoryUrl: fixture.url });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'UNCONFIRMED');
    // A stored plan that no longer decrypts (its ciphertext damaged at rest): the crypto library's
    // message is Gantry's internals, not something the run's readers can act on.
    const archive = await h.t.services.prisma.workspaceArchive.findFirstOrThrow({ where: { runId: id } });
    const damaged = Buffer.from(archive.ciphertext);
    damaged[damaged.length - 1]! ^= 0xff;
    await h.t.services.prisma.workspaceArchive.update({ where: { id: archive.id }, data: { ciphertext: damaged } });
    await confirmRun(h.scope, id);

    const failed = await h.waitForState(id, 'FAILED');
    const reference = /^Gantry failed to run this phase \(internal error, reference ([0-9a-f]{8})\)$/.exec(failed.error ?? '')?.[1];
    expect(reference, `run error: ${failed.error}`).toBeDefined();
    expect(failed.transitions.at(-1)).toMatchObject({ state: 'FAILED', reason: failed.error });
    expect(await h.logText(id)).not.toMatch(/decrypt/i);
    // The worker's own output has what happened, under the same reference.
    const line = await worker.waitFor(new RegExp(`run ${id}: internal error, reference ${reference}: `), 10_000);
    expect(line).toContain('Encrypted value could not be decrypted');
  });
});
