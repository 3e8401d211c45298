import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { confirmRun, getRun, setVariable, triggerRun } from '@gantry/core';
import { blockingPlanConfig, createFifo, createGitRepoFixture, slowApplyConfig, type GitRepoFixture } from '@gantry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './testing/harness.ts';
import { descendantsOf } from './testing/worker-process.ts';

let h: Harness;
const repos: GitRepoFixture[] = [];
async function repo(files: Record<string, string | null>) {
  const fixture = await createGitRepoFixture({ files });
  repos.push(fixture);
  return fixture;
}

beforeAll(async () => {
  h = await createHarness('Shutdown');
});

afterAll(async () => {
  await h?.close();
  await Promise.all(repos.map((r) => r.cleanup()));
});

const LINES = 200_000;
/** Apply prints ~22 MB: numbered lines with unicode and ANSI colours. */
function bigLogConfig() {
  return {
    'main.tf': `resource "terraform_data" "chatty" {
  input = "chatty"

  provisioner "local-exec" {
    command = "awk 'BEGIN { for (i = 1; i <= ${LINES}; i++) printf \\"line %06d ✓ héllo \\\\033[32mgreen\\\\033[0m 0123456789012345678901234567890123456789012345678901234567890123456789\\\\n\\", i }'"
  }
}
`,
  };
}

describe('graceful shutdown (SIGTERM)', () => {
  it('hands a plan in progress to another worker and exits', async () => {
    const fixture = await repo(blockingPlanConfig());
    const fifo = join(h.tmp, 'gate');
    await createFifo(fifo);
    const stack = await h.stack({ name: 'shutdown-plan', repositoryUrl: fixture.url });
    await setVariable(h.scope, { stackId: stack.id, name: 'TF_VAR_block_on', value: fifo, secret: false });
    const leaving = await h.startWorker({ concurrency: 1 });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'PLANNING');
    const staying = await h.startWorker({ concurrency: 1 });
    expect(await leaving.stop(60_000)).toBe(0);
    const handed = await h.waitForRun(id, (run) => run.transitions.some((t) => t.reason?.includes('shut down')));
    expect(handed.transitions.find((t) => t.reason?.includes('shut down'))).toMatchObject({
      state: 'READY',
      actor: { kind: 'WORKER' },
      reason: expect.stringMatching(/^Worker .* shut down; the phase goes to another worker$/),
    });
    await h.waitForState(id, 'PLANNING');
    writeFileSync(fifo, 'go');
    await h.waitForState(id, 'UNCONFIRMED');
    await staying.stop();
  });

  it('lets an apply in progress finish before exiting', async () => {
    const fixture = await repo(slowApplyConfig({ seconds: 3 }));
    const stack = await h.stack({ name: 'shutdown-apply', repositoryUrl: fixture.url });
    const worker = await h.startWorker({ concurrency: 1 });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'UNCONFIRMED');
    await confirmRun(h.scope, id);
    await h.waitForState(id, 'APPLYING');
    expect(await worker.stop(60_000)).toBe(0);
    const run = await h.waitForRun(id, (r) => r.state === 'FINISHED', 1_000);
    expect(run.state).toBe('FINISHED');
    expect(stripVTControlCharacters(await h.logText(id))).toMatch(/woke up/);
  });
});

describe('signals a wrapper or a process manager repeats', () => {
  it('SIGTERM twice within milliseconds is one graceful stop: the apply in progress finishes', async () => {
    const fixture = await repo(slowApplyConfig({ seconds: 3 }));
    const stack = await h.stack({ name: 'double-sigterm', repositoryUrl: fixture.url, autodeploy: true });
    const worker = await h.startWorker({ concurrency: 1 });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'APPLYING');
    // The apply is in its local-exec sleep: infrastructure is changing.
    await waitForLog(id, /sleeping/);
    worker.signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 30));
    worker.signal('SIGTERM');
    expect(await worker.exited()).toBe(0);
    expect(worker.output()).toMatch(/SIGTERM again: already stopping/);
    const run = await getRun(h.scope, id);
    expect(run.state).toBe('FINISHED');
    expect(stripVTControlCharacters(await h.logText(id))).toMatch(/woke up/);
    expect((await h.t.services.prisma.stack.findUniqueOrThrow({ where: { id: stack.id } })).lockedReason).toBeNull();
  });

  it('SIGQUIT stops at once: OpenTofu is interrupted too (nothing applies behind Gantry\'s back), the run fails, the stack stays locked', async () => {
    const fixture = await repo(slowApplyConfig({ seconds: 60 }));
    const stack = await h.stack({ name: 'sigquit', repositoryUrl: fixture.url, autodeploy: true });
    const doomed = await h.startWorker({ concurrency: 1 });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await waitForLog(id, /sleeping/);
    const below = await descendantsOf(doomed.pid);
    expect(below.length).toBeGreaterThan(0);
    const reaper = await h.startWorker({ concurrency: 1, reaperIntervalMs: 250 });
    doomed.signal('SIGQUIT');
    expect(await doomed.exited()).toBe(1);
    // OpenTofu got SIGINT with its process group: it and its local-exec end (well before the 60 s sleep).
    const deadline = Date.now() + 15_000;
    while (below.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(below.filter(isAlive)).toEqual([]);
    const failed = await h.waitForRun(id, (run) => run.state === 'FAILED', 30_000);
    expect(failed.error).toMatch(/^Worker lost during apply/);
    expect((await h.t.services.prisma.stack.findUniqueOrThrow({ where: { id: stack.id } })).lockedByRunId).toBe(id);
    await reaper.stop();
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').match(/^\d+ \(.*\) Z/);
  } catch {
    return false;
  }
}

async function waitForLog(runId: string, pattern: RegExp, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(stripVTControlCharacters(await h.logText(runId)))) {
    if (Date.now() > deadline) throw new Error(`the log of run ${runId} never matched ${pattern}:\n${await h.logText(runId)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('logs', () => {
  it('a 20 MB log with unicode and ANSI is stored completely and in order', async () => {
    const fixture = await repo(bigLogConfig());
    const stack = await h.stack({ name: 'big-log', repositoryUrl: fixture.url, autodeploy: true });
    await h.startWorker({ concurrency: 1 });
    const { id } = await triggerRun(h.scope, { stackId: stack.id });
    await h.waitForState(id, 'FINISHED', 240_000);
    const chunks = await h.scope.db.logChunk.findMany({ where: { runId: id }, orderBy: { seq: 'asc' }, select: { seq: true, text: true, state: true } });
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    const text = chunks.map((c) => c.text).join('');
    expect(Buffer.byteLength(text)).toBeGreaterThan(20 * 1024 * 1024);
    // OpenTofu relays local-exec output in pieces of its read buffer, each with the resource's prefix
    // (so a line can be split in two). Undo that, then every line must be there once, in order.
    // The prefix comes with colours of its own ("\n\e[0m\e[1mterraform_data.chatty (local-exec):\e[0m \e[0m"),
    // removed with it before colours are stripped, so an escape split by a prefix is whole again.
    const prefix = /(?:\r?\n)?(?:\u001b\[[0-9;]*m)*terraform_data\.chatty \(local-exec\):(?:\u001b\[[0-9;]*m)* (?:\u001b\[[0-9;]*m)*/g;
    const stream = stripVTControlCharacters(text.replace(prefix, '').replace(/\n/g, ''));
    // A split can also fall inside a multi-byte character: OpenTofu then emits the two halves as
    // separate invalid sequences, which decode to U+FFFD. That is OpenTofu's output, not a loss.
    const lines = [
      ...stream.matchAll(/line (\d{6}) (?:✓|\uFFFD{1,3}) h(?:é|\uFFFD{1,2})llo green 0123456789012345678901234567890123456789012345678901234567890123456789/g),
    ].map((m) => Number(m[1]));
    expect(lines).toHaveLength(LINES);
    expect(lines.every((n, i) => n === i + 1)).toBe(true);
    expect(text).toContain('\u001b[32mgreen\u001b[0m');
    expect(new Set(chunks.filter((c) => c.text.includes('héllo')).map((c) => c.state))).toEqual(new Set(['APPLYING']));
  });
});
