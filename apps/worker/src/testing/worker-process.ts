// Test support: the real worker process (node + tsx loader, one process so kill -9 kills it).
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workerRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

export interface WorkerProcessOptions {
  databaseUrl: string;
  redisUrl: string;
  encryptionKey: Buffer;
  queuePrefix: string;
  workDir: string;
  concurrency?: number;
  leaseMs?: number;
  heartbeatMs?: number;
  reaperIntervalMs?: number;
  outboxSweepMs?: number;
  env?: Record<string, string>;
}

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the first output line matching `pattern` (searching what was printed so far too). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGTERM and wait for exit; resolves to the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** Sends a signal to the worker process only (not to OpenTofu below it). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code when the process has exited. */
  exited(): Promise<number | null>;
  /** SIGKILL: the worker dies without any cleanup. */
  kill(): Promise<void>;
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    GANTRY_ENCRYPTION_KEY: options.encryptionKey.toString('base64'),
    GANTRY_QUEUE_PREFIX: options.queuePrefix,
    GANTRY_WORK_DIR: options.workDir,
    GANTRY_WORKER_CONCURRENCY: String(options.concurrency ?? 2),
    GANTRY_LEASE_MS: String(options.leaseMs ?? 4_000),
    GANTRY_HEARTBEAT_MS: String(options.heartbeatMs ?? 1_000),
    GANTRY_REAPER_INTERVAL_MS: String(options.reaperIntervalMs ?? 500),
    GANTRY_OUTBOX_SWEEP_MS: String(options.outboxSweepMs ?? 1_000),
    // A secret of the worker's own: it must never reach a run.
    WORKER_ONLY_SECRET: 'worker-env-must-not-leak',
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: workerRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (buf: Buffer) => {
    output += buf.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitFor = (pattern: RegExp, timeoutMs = 30_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = output.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) {
          cleanup();
          resolve(line);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`worker did not print ${pattern} within ${timeoutMs} ms. Output:\n${output}`));
      }, timeoutMs);
      const onExit = () => {
        check();
        cleanup();
        reject(new Error(`worker exited before printing ${pattern}. Output:\n${output}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
        child.off('exit', onExit);
      };
      listeners.add(check);
      child.once('exit', onExit);
      check();
    });

  const handle: WorkerProcess = {
    pid: child.pid!,
    child,
    output: () => output,
    waitFor,
    async stop(timeoutMs = 60_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    signal(signal) {
      child.kill(signal);
    },
    exited: () => exited,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  await waitFor(/gantry worker .* ready/, 60_000);
  return handle;
}

/** Every process below `pid` (from /proc), to clean up what a killed worker left behind. */
export async function descendantsOf(pid: number): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may contain spaces, so parse after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** SIGKILLs the given processes (ignoring those already gone). */
export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
