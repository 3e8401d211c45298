import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnProcess, SPAWNER_EXITED, type ProcessEvent, type ProcessSpec } from './spawn-process.ts';
import { installProcessSpawner, type ProcessSpawner } from './spawner.ts';

const ENV = { PATH: '/usr/bin:/bin' };
const spec = (args: string[], more: Partial<ProcessSpec> = {}): ProcessSpec => ({
  command: 'sh',
  args: ['-c', ...args],
  cwd: '/',
  env: ENV,
  mergeOutput: true,
  killGroupOnExit: true,
  ...more,
});

/** Runs through spawnProcess; resolves at close (or the error event) with the output per fd. */
function run(processSpec: ProcessSpec, onEvent?: (event: ProcessEvent, handle: { signalGroup(signal: NodeJS.Signals): void }) => void) {
  return new Promise<{ out: Buffer; err: Buffer; exit?: { code: number | null; signal: string | null }; error?: { message: string; code: string | null } }>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let exit: { code: number | null; signal: string | null } | undefined;
    const handle = spawnProcess(processSpec, (event) => {
      onEvent?.(event, handle);
      if (event.type === 'data') (event.fd === 1 ? out : err).push(event.chunk);
      if (event.type === 'exit') exit = { code: event.code, signal: event.signal };
      if (event.type === 'close') resolve({ out: Buffer.concat(out), err: Buffer.concat(err), exit });
      if (event.type === 'error') resolve({ out: Buffer.concat(out), err: Buffer.concat(err), error: { message: event.message, code: event.code } });
    });
  });
}

/** Running (not a zombie, not gone). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('process spawner', () => {
  let spawner: ProcessSpawner & { uninstall(): Promise<void> };
  beforeAll(() => {
    spawner = installProcessSpawner({ graceMs: 300 });
  });
  afterAll(async () => {
    await spawner.uninstall();
  });

  it('starts commands from the spawner child, in a process group of their own', async () => {
    const { out, exit } = await run(spec(['echo $PPID $$ $(ps -o pgid= -p $$)']));
    const [parent, pid, group] = out.toString('utf8').trim().split(/\s+/).map(Number);
    expect(parent).toBe(spawner.pid);
    expect(group).toBe(pid);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('keeps stdout and stderr in one ordered stream, or apart when asked', async () => {
    const script = 'echo one; echo two >&2; echo three; echo four >&2; exit 3';
    const merged = await run(spec([script]));
    expect(merged.out.toString('utf8')).toBe('one\ntwo\nthree\nfour\n');
    expect(merged.exit).toEqual({ code: 3, signal: null });
    const apart = await run(spec([script], { mergeOutput: false }));
    expect(apart.out.toString('utf8')).toBe('one\nthree\n');
    expect(apart.err.toString('utf8')).toBe('two\nfour\n');
  });

  it('streams 20 MB of output, bytes in order, without blocking this process', async () => {
    let ticks = 0;
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 5);
    // 2.4 million numbered lines (19.6 MB), with multi-byte characters that chunks will split.
    const { out, exit } = await run(spec(['seq 1 2400000 | sed "s/$/ é🔑/"'])).finally(() => clearInterval(ticker));
    expect(exit?.code).toBe(0);
    const expected = Array.from({ length: 2_400_000 }, (_, i) => `${i + 1} é🔑\n`).join('');
    expect(out.length).toBe(Buffer.byteLength(expected));
    expect(createHash('sha256').update(out).digest('hex')).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(ticks).toBeGreaterThan(0);
    expect(longestGap).toBeLessThan(1_000);
  });

  it('signals the whole group, and kills what the command left behind when it exits', async () => {
    let childPid = 0;
    const stopped = await run(spec(["trap 'echo interrupted; exit 130' INT; sleep 30 & echo started; wait"]), (event, handle) => {
      if (event.type === 'data' && event.chunk.toString('utf8').includes('started')) handle.signalGroup('SIGINT');
    });
    expect(stopped.out.toString('utf8')).toContain('interrupted');
    expect(stopped.exit).toEqual({ code: 130, signal: null });

    const left = await run(spec(['sleep 30 & echo $!']));
    childPid = Number(left.out.toString('utf8').trim());
    expect(await eventually(async () => !(await alive(childPid)), 2_000)).toBe(true);
  });

  it('reports a command that cannot start', async () => {
    const result = await run(spec([], { command: '/no/such/command', args: [], mergeOutput: false }));
    expect(result.error?.code).toBe('ENOENT');
  });

  it('when the spawner dies, its commands are killed and fail clearly, and the next command gets a new spawner', async () => {
    const first = spawner.pid!;
    let commandPid = 0;
    const pending = run(spec(["trap '' INT TERM; echo $$; sleep 60 & wait"]), (event) => {
      if (event.type === 'data') commandPid = Number(event.chunk.toString('utf8').trim());
    });
    expect(await eventually(async () => commandPid > 0, 5_000)).toBe(true);
    process.kill(first, 'SIGKILL');
    const result = await pending;
    expect(result.error).toEqual({ code: SPAWNER_EXITED, message: expect.stringMatching(/process spawner exited \(signal SIGKILL\) while sh ran; it was killed/) });
    expect(await eventually(async () => !(await alive(commandPid)), 2_000)).toBe(true);

    const next = await run(spec(['echo $PPID']));
    expect(Number(next.out.toString('utf8').trim())).toBe(spawner.pid);
    expect(spawner.pid).not.toBe(first);
  });
});

describe('process spawner of a process that dies', () => {
  it('kills every process group it started (SIGINT, then SIGKILL after the grace period) and exits', async () => {
    const owner = spawn(process.execPath, ['--import', 'tsx', join(dirname(fileURLToPath(import.meta.url)), 'testing/spawner-owner.ts'), '300'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    owner.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const pidOf = (name: string) => Number(new RegExp(`${name} (\\d+)`).exec(output)?.[1] ?? 0);
    try {
      expect(await eventually(async () => pidOf('spawner') > 0 && pidOf('command') > 0, 20_000)).toBe(true);
      expect(await alive(pidOf('command'))).toBe(true);
      owner.kill('SIGKILL');
      // The command ignores SIGINT: gone only through the SIGKILL 300 ms later.
      expect(await eventually(async () => !(await alive(pidOf('command'))), 5_000)).toBe(true);
      expect(await eventually(async () => !(await alive(pidOf('spawner'))), 5_000)).toBe(true);
    } finally {
      owner.kill('SIGKILL');
      for (const name of ['command', 'spawner']) if (pidOf(name)) try { process.kill(-pidOf(name), 'SIGKILL'); } catch { /* gone */ }
    }
  });
});
