import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { confirmRun, getRun, setVariable, triggerRun } from '@gantry/core';
import { blockingPlanConfig, createFifo, createGitRepoFixture, type GitRepoFixture } from '@gantry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './testing/harness.ts';
import { descendantsOf, killAll } from './testing/worker-process.ts';

// Worker killed with SIGKILL: the lease (4 s, heartbeat 1 s) runs out and the reaper of another
// worker decides. A plan is handed on; an apply is never repeated.
const LEASE_MS = 4_000;

let h: Harness;
const repos: GitRepoFixture[] = [];
const leftovers: number[] = [];

beforeAll(async () => {
  h = await createHarness('Crash');
});

afterAll(async () => {
  killAll(leftovers);
  await h?.close();
  await Promise.all(repos.map((r) => r.cleanup()));
});

/** Apply appends a line to a marker file (so a repeated apply would show), then sleeps. */
function appendThenSleepConfig(seconds: number) {
  return {
    'main.tf': `variable "marker" {
  type = string
}

resource "terraform_data" "slow" {
  input = "slow"

  provisioner "local-exec" {
    command = "echo applied >> \\"\${var.marker}\\"; echo started; sleep ${seconds}; echo done"
  }
}
`,
  };
}

/** Waits until no workspace root of `pid` is left in `workDir` (another worker sweeps the dead one's); returns the interrupted applies kept. */
async function rootSweptAway(workDir: string, pid: number): Promise<string[]> {
  const ofPid = (name: string) => name.split('~')[2] === String(pid);
  for (let i = 0; i < 100 && readdirSync(join(workDir, 'runs')).some(ofPid); i++) await new Promise((r) => setTimeout(r, 100));
  expect(readdirSync(join(workDir, 'runs')).filter(ofPid)).toEqual([]);
  const aside = join(workDir, 'interrupted-applies');
  return existsSync(aside) ? readdirSync(aside).filter(ofPid) : [];
}

describe('a worker killed with SIGKILL', () => {
  it('mid-plan: the run is handed to another worker within a bounded time, with the reason shown', async () => {
    const fixture = await createGitRepoFixture({ files: blockingPlanConfig() });
    repos.push(fixture);
    const fifo = join(h.tmp, 'plan-gate');
    await createFifo(fifo);
    const stack = await h.stack({ name: 'crash-plan', repositoryUrl: fixture.url });
    await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_block_on', value: fifo, secret: false });

    // Both on one host and work directory, as two workers of one machine.
    const workDir = join(h.tmp, 'work-crash-plan');
    const doomed = await h.startWorker({ leaseMs: LEASE_MS, heartbeatMs: 1_000, concurrency: 1, workDir });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'PLANNING');
    // Another worker is up (as in production); its reaper notices the dead one's lease.
    const survivor = await h.startWorker({ leaseMs: LEASE_MS, heartbeatMs: 1_000, concurrency: 1, reaperIntervalMs: 250, workDir });
    // The survivor leaves a live worker's workspaces alone.
    expect(readdirSync(join(workDir, 'runs')).filter((name) => name.split('~')[2] === String(doomed.pid))).toHaveLength(1);
    leftovers.push(...(await descendantsOf(doomed.pid)));
    const killedAt = Date.now();
    await doomed.kill();
    // The orphaned tofu would otherwise keep reading the FIFO that releases the survivor's plan.
    killAll(leftovers);
    const requeued = await h.waitForRun(id, (run) => run.transitions.some((t) => t.reason?.includes('lost during planning')), 30_000);
    const handedOnAt = requeued.transitions.find((t) => t.reason?.includes('lost during planning'))!.at.getTime();
    // Bounded: the lease, plus a reaper period, plus slack for a busy machine.
    expect(handedOnAt - killedAt).toBeLessThan(LEASE_MS + 5_000);
    expect(requeued.transitions.find((t) => t.reason?.includes('lost during planning'))).toMatchObject({
      state: 'READY',
      actor: { kind: 'SYSTEM' },
      reason: expect.stringMatching(/^Worker .* lost during planning \(no heartbeat since .*\); handing the phase to another worker \(attempt 2 of 2\)$/),
    });
    // The dead worker's plan workspace (checkout, plan inputs, state) does not stay on the disk.
    expect(await rootSweptAway(workDir, doomed.pid)).toEqual([]);

    // The survivor plans it again; release both the orphaned plan and the new one.
    await h.waitForState(id, 'PLANNING');
    leftovers.push(...(await descendantsOf(survivor.pid)));
    writeFileSync(fifo, 'go');
    const planned = await h.waitForState(id, 'UNCONFIRMED', 60_000);
    expect(planned.transitions.map((t) => t.state)).toEqual([
      'QUEUED', 'READY', 'PREPARING', 'INITIALIZING', 'PLANNING', 'READY', 'PREPARING', 'INITIALIZING', 'PLANNING', 'UNCONFIRMED',
    ]);
    await survivor.stop();
  });

  it('mid-apply: the run fails "worker lost during apply", is never applied again, and the stack stays locked', async () => {
    const fixture = await createGitRepoFixture({ files: appendThenSleepConfig(20) });
    repos.push(fixture);
    const marker = join(h.tmp, 'apply-count.txt');
    const stack = await h.stack({ name: 'crash-apply', repositoryUrl: fixture.url });
    await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_marker', value: marker, secret: false });

    const workDir = join(h.tmp, 'work-crash-apply');
    const doomed = await h.startWorker({ leaseMs: LEASE_MS, heartbeatMs: 1_000, concurrency: 1, workDir });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'UNCONFIRMED');
    await confirmRun(h.scope, id);
    await h.waitForRun(id, () => {
      try {
        return readFileSync(marker, 'utf8').includes('applied');
      } catch {
        return false;
      }
    });
    expect((await getRun(h.scope, id)).state).toBe('APPLYING');
    const queuedBehind = await triggerRun(h.scope, { stackId: stack.id });
    await h.startWorker({ leaseMs: LEASE_MS, heartbeatMs: 1_000, concurrency: 1, reaperIntervalMs: 250, workDir });
    leftovers.push(...(await descendantsOf(doomed.pid)));
    const killedAt = Date.now();
    await doomed.kill();
    killAll(leftovers); // the orphaned apply too: nothing may finish it behind Gantry's back
    const failed = await h.waitForRun(id, (run) => run.state === 'FAILED', 30_000);
    expect(failed.finishedAt!.getTime() - killedAt).toBeLessThan(LEASE_MS + 5_000);
    expect(failed.error).toMatch(/worker lost during apply/i);
    expect(failed.transitions.at(-1)).toMatchObject({ state: 'FAILED', actor: { kind: 'SYSTEM' } });
    expect(failed.transitions.filter((t) => t.state === 'APPLYING')).toHaveLength(1);
    // Its workspace is kept aside for an operator: its local state may be the only record of the apply.
    const kept = await rootSweptAway(workDir, doomed.pid);
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(workDir, 'interrupted-applies', kept[0]!, 'README.txt'), 'utf8')).toMatch(/apply was running/);
    expect(existsSync(join(workDir, 'interrupted-applies', kept[0]!, '.gantry', 'apply-started'))).toBe(true);
    // ...and the run's own log says where.
    const logText = async () =>
      (await h.t.services.prisma.logChunk.findMany({ where: { runId: id }, orderBy: { seq: 'asc' } })).map((chunk) => chunk.text).join('');
    for (let i = 0; i < 50 && !(await logText()).includes('Its workspace is kept'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await logText()).toContain(`Its workspace is kept on host ${hostname()} in ${join(workDir, 'interrupted-applies', kept[0]!)}`);

    // Nothing re-applies it, and the next run waits for a human.
    await new Promise((r) => setTimeout(r, LEASE_MS + 1_000));
    expect(readFileSync(marker, 'utf8')).toBe('applied\n');
    const outboxApplies = (await h.t.services.prisma.outbox.findMany()).filter((o) => (o.payload as { runId: string; phase: string }).runId === id && (o.payload as { phase: string }).phase === 'apply');
    expect(outboxApplies).toHaveLength(1);
    const behind = await getRun(h.scope, queuedBehind.id);
    expect(behind.state).toBe('QUEUED');
    expect(behind.queueReason).toMatch(/Stack is locked: the apply of run .* was interrupted \(worker lost during apply\)/);
    expect((await getRun(h.scope, id)).state).toBe('FAILED');
  });

  it('mid-apply of an autodeploy run (applied in place by the planning worker): failed, never applied again', async () => {
    const fixture = await createGitRepoFixture({ files: appendThenSleepConfig(20) });
    repos.push(fixture);
    const marker = join(h.tmp, 'autodeploy-apply-count.txt');
    const stack = await h.stack({ name: 'crash-autodeploy', repositoryUrl: fixture.url, autodeploy: true });
    await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_marker', value: marker, secret: false });

    // Only the worker to be killed may take the run: the survivors of earlier tests leave first.
    await Promise.all(h.workers.map((w) => w.stop()));
    const doomed = await h.startWorker({ leaseMs: LEASE_MS, heartbeatMs: 1_000, concurrency: 1 });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForRun(id, () => {
      try {
        return readFileSync(marker, 'utf8').includes('applied');
      } catch {
        return false;
      }
    });
    expect((await getRun(h.scope, id)).state).toBe('APPLYING');
    await h.startWorker({ leaseMs: LEASE_MS, heartbeatMs: 1_000, concurrency: 1, reaperIntervalMs: 250 });
    leftovers.push(...(await descendantsOf(doomed.pid)));
    const killedAt = Date.now();
    await doomed.kill();
    killAll(leftovers);
    const failed = await h.waitForRun(id, (run) => run.state === 'FAILED', 30_000);
    expect(failed.finishedAt!.getTime() - killedAt).toBeLessThan(LEASE_MS + 5_000);
    expect(failed.error).toMatch(/worker lost during apply/i);
    expect(failed.transitions.map((t) => t.state)).toEqual(['QUEUED', 'READY', 'PREPARING', 'INITIALIZING', 'PLANNING', 'APPLYING', 'FAILED']);
    // BullMQ hands the killed worker's job to the survivor, which finds the run no longer waiting.
    await new Promise((r) => setTimeout(r, LEASE_MS + 1_000));
    expect(readFileSync(marker, 'utf8')).toBe('applied\n');
    expect((await getRun(h.scope, id)).state).toBe('FAILED');
  });
});
