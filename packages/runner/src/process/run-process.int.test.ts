import { readFile } from 'node:fs/promises';
import { installProcessSpawner } from '@gantry/process/spawner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from './run-process.ts';

const ENV = { PATH: '/usr/bin:/bin' };

function collect() {
  const chunks: string[] = [];
  return { chunks, onOutput: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

// The worker starts its processes through a spawner child; everything else starts them itself.
describe.each([
  { mode: 'started here', throughSpawner: false },
  { mode: 'started by the spawner child', throughSpawner: true },
])('runProcess ($mode)', ({ throughSpawner }) => {
  let spawner: ReturnType<typeof installProcessSpawner> | null = null;
  beforeAll(() => {
    if (throughSpawner) spawner = installProcessSpawner();
  });
  afterAll(async () => {
    await spawner?.uninstall();
  });

  it('merges stdout and stderr in the order they were written', async () => {
    const out = collect();
    const result = await runProcess({
      command: 'sh',
      args: ['-c', 'echo one; echo two >&2; echo three; echo four >&2; exit 3'],
      cwd: '/',
      env: ENV,
      onOutput: out.onOutput,
    });
    expect(out.text()).toBe('one\ntwo\nthree\nfour\n');
    expect(result).toMatchObject({ exitCode: 3, signal: null, aborted: false, timedOut: false });
  });

  it('passes exactly the environment given', async () => {
    process.env.GANTRY_LEAK_CHECK = 'must-not-appear';
    try {
      const out = collect();
      await runProcess({ command: 'env', args: [], cwd: '/', env: { ...ENV, ONLY: 'this' }, onOutput: out.onOutput });
      // The wrapper shell sets PWD (the working directory) before exec: nothing else is added.
      const names = out.text().trim().split('\n').filter((line) => !line.startsWith('PWD='));
      expect(names.sort()).toEqual(['ONLY=this', 'PATH=/usr/bin:/bin']);
    } finally {
      delete process.env.GANTRY_LEAK_CHECK;
    }
  });

  it('decodes UTF-8 split across chunks', async () => {
    const out = collect();
    // printf writes the bytes of "é🔑" in separate writes, splitting multi-byte characters.
    await runProcess({
      command: 'sh',
      args: ['-c', "printf '\\303'; sleep 0.05; printf '\\251\\360\\237'; sleep 0.05; printf '\\224\\221\\n'"],
      cwd: '/',
      env: ENV,
      onOutput: out.onOutput,
    });
    expect(out.text()).toBe('é🔑\n');
    expect(out.chunks.join('')).not.toContain('\uFFFD');
  });

  it('captures stdout separately when asked', async () => {
    const out = collect();
    const result = await runProcess({
      command: 'sh',
      args: ['-c', 'echo \'{"a":1}\'; echo warning >&2'],
      cwd: '/',
      env: ENV,
      onOutput: out.onOutput,
      captureStdout: true,
    });
    expect(result.stdout).toBe('{"a":1}\n');
    expect(out.text()).toBe('warning\n');
  });

  it('on abort sends SIGINT to the whole group, and the command can clean up', async () => {
    const out = collect();
    const controller = new AbortController();
    const pending = runProcess({
      command: 'sh',
      args: ['-c', "trap 'echo interrupted; exit 130' INT; echo started; sleep 30 & wait"],
      cwd: '/',
      env: ENV,
      onOutput: (text) => {
        out.onOutput(text);
        if (text.includes('started')) controller.abort();
      },
      signal: controller.signal,
      killGraceMs: 5_000,
    });
    const started = Date.now();
    const result = await pending;
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result).toMatchObject({ aborted: true, exitCode: 130 });
    expect(out.text()).toContain('interrupted');
  });

  it('kills a command that ignores SIGINT after the grace period', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const result = await runProcess({
      command: 'sh',
      args: ['-c', "trap '' INT; sleep 30"],
      cwd: '/',
      env: ENV,
      signal: controller.signal,
      killGraceMs: 300,
    });
    expect(result).toMatchObject({ aborted: true, signal: 'SIGKILL', exitCode: null });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stops a command that runs past its time limit', async () => {
    const result = await runProcess({ command: 'sleep', args: ['30'], cwd: '/', env: ENV, timeoutMs: 200, killGraceMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode === null || result.exitCode !== 0).toBe(true);
  });

  it('does not wait for background processes left behind, and kills them', async () => {
    const started = Date.now();
    const out = collect();
    const result = await runProcess({
      command: 'sh',
      args: ['-c', 'sleep 30 & echo $!'],
      cwd: '/',
      env: ENV,
      onOutput: out.onOutput,
    });
    expect(result.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(4_000);
    const orphan = Number(out.text().trim());
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Killed: gone, or a zombie waiting for init to reap it.
    const state = await readFile(`/proc/${orphan}/stat`, 'utf8').then(
      (stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
      () => 'gone',
    );
    expect(['gone', 'Z']).toContain(state);
  });

  it('resolves at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runProcess({ command: 'sleep', args: ['5'], cwd: '/', env: ENV, signal: controller.signal });
    expect(result.aborted).toBe(true);
  });
});
