import { constants, existsSync } from 'node:fs';
import { link, mkdir, mkdtemp, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryIdentity } from '../vendor/binary.ts';
import { runProcess, type ProcessResult } from './run-process.ts';

/*
 * Held starts. An OpenTofu process spends its first 80 – 100 ms initialising the binary's Go
 * packages before it reads anything, and `init`, `plan`, `apply` pay that one after the other. A phase
 * starts its next commands ahead of time instead, held at the first file OpenTofu reads: its CLI
 * configuration (TF_CLI_CONFIG_FILE, which Gantry owns and leaves empty). For a held process that
 * path is a FIFO, and opening a FIFO waits for a writer. When the command's turn comes (its checkout,
 * state or plan file is in place), the gate opens: an empty regular file replaces the FIFO and the
 * FIFO is woken, so OpenTofu reads an empty configuration, changes into the project directory
 * (`-chdir`, applied after the configuration) and goes on. A held process that is not needed is
 * killed: it has done nothing yet.
 *
 * That is safe only for a binary that reads its CLI configuration before anything else; a probe per
 * binary (heldStartsSupported) checks that `-chdir` into a directory that does not exist yet waits at
 * the gate and then succeeds once the directory exists.
 */

/** coreutils' `mkfifo`: without it, nothing is held. */
const MKFIFO = ['/usr/bin/mkfifo', '/bin/mkfifo'].find((path) => existsSync(path)) ?? null;
/** A reader can be between its lookup of the path and its open of the FIFO when the file is swapped: woken again. */
const REWAKE_AFTER_MS = [20, 200, 2_000, 20_000];

/** A FIFO that a held process waits at, and the second name it is woken through once replaced. */
export class ProcessGate {
  private opened = false;
  private readonly timers: NodeJS.Timeout[] = [];

  private constructor(
    /** What the held process opens (TF_CLI_CONFIG_FILE). */
    readonly path: string,
    private readonly wakeLink: string,
  ) {}

  /** One gate per name, in `dir` (one `mkfifo` for all of them). */
  static async create(dir: string, names: string[]): Promise<ProcessGate[]> {
    if (!MKFIFO) throw new Error('mkfifo is not available');
    const paths = names.map((name) => join(dir, name));
    const made = await runProcess({ command: MKFIFO, args: ['-m', '600', '--', ...paths], cwd: dir, env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }, timeoutMs: 10_000 });
    if (made.exitCode !== 0) throw new Error(`mkfifo exited with ${made.exitCode ?? made.signal}`);
    return Promise.all(
      paths.map(async (path) => {
        await link(path, `${path}.wake`);
        return new ProcessGate(path, `${path}.wake`);
      }),
    );
  }

  /** Lets the process through: every later open of `path` reads an empty file, and a waiting one is woken. */
  async open(): Promise<void> {
    if (this.opened) return;
    this.opened = true;
    const regular = `${this.path}.file`;
    await writeFile(regular, '');
    await rename(regular, this.path);
    await this.wake();
    for (const ms of REWAKE_AFTER_MS) this.timers.push(setTimeout(() => void this.wake(), ms).unref());
  }

  /** Stops waking; removes the second name (the workspace goes with the phase anyway). */
  async dispose(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    await rm(this.wakeLink, { force: true });
  }

  /** A read-write open of a FIFO never waits and counts as a writer: a reader waiting in open() goes on (and reads EOF). */
  private async wake(): Promise<void> {
    const handle = await open(this.wakeLink, constants.O_RDWR | constants.O_NONBLOCK).catch(() => null);
    await handle?.close();
  }
}

/** What a held process runs: the command and its complete environment (TF_CLI_CONFIG_FILE is the gate's). */
export interface HeldProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  captureStdout?: boolean;
  /** Between SIGINT and SIGKILL when a released process is stopped. */
  killGraceMs: number;
}

/** How a released process runs: where its output goes, what stops it, its time limit from now. */
export interface ReleaseOptions {
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A process started ahead of time and waiting at its gate until `release`, or killed by `discard`. */
export class HeldProcess {
  private readonly stop = new AbortController();
  private readonly kill = new AbortController();
  private readonly running: Promise<ProcessResult>;
  /** Resolves when the process has ended, however it ended. */
  readonly ended: Promise<void>;
  /** Output written before release (only an early failure writes any). */
  private early = '';
  private sink: ((text: string) => void) | null = null;
  private released = false;

  constructor(
    private readonly gate: ProcessGate,
    readonly spec: HeldProcessSpec,
  ) {
    this.running = runProcess({
      command: spec.command,
      args: spec.args,
      cwd: spec.cwd,
      env: { ...spec.env, TF_CLI_CONFIG_FILE: gate.path },
      captureStdout: spec.captureStdout,
      killGraceMs: spec.killGraceMs,
      signal: this.stop.signal,
      kill: this.kill.signal,
      onOutput: (text) => {
        if (this.sink) this.sink(text);
        else this.early += text;
      },
    });
    const cleanUp = () => gate.dispose().catch(() => undefined);
    this.ended = this.running.then(cleanUp, cleanUp);
  }

  /** The process was started as `spec` says (a held process runs only where exactly that would run). */
  runs(spec: Omit<HeldProcessSpec, 'killGraceMs'>): boolean {
    const mine = this.spec;
    return (
      mine.command === spec.command &&
      mine.cwd === spec.cwd &&
      Boolean(mine.captureStdout) === Boolean(spec.captureStdout) &&
      mine.args.length === spec.args.length &&
      mine.args.every((arg, index) => arg === spec.args[index]) &&
      sameEnvironment(mine.env, spec.env)
    );
  }

  /** Opens the gate; resolves as runProcess does, measured from now. Once only. */
  async release(options: ReleaseOptions): Promise<ProcessResult> {
    if (this.released) throw new Error('A held process is released once');
    this.released = true;
    const started = performance.now();
    this.sink = options.onOutput ?? null;
    if (this.early) this.sink?.(this.early);
    const onAbort = () => this.stop.abort();
    if (options.signal?.aborted) this.kill.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            this.stop.abort();
          }, options.timeoutMs);
    try {
      if (!this.kill.signal.aborted) await this.gate.open();
      const result = await this.running;
      return { ...result, aborted: result.aborted && !timedOut, timedOut, durationMs: Math.round(performance.now() - started) };
    } finally {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Kills the process if it was never released (it has done nothing); waits for it to end. */
  async discard(): Promise<void> {
    if (!this.released) this.kill.abort();
    await this.running.catch(() => undefined);
  }
}

function sameEnvironment(a: Record<string, string>, b: Record<string, string>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => b[name] === a[name]);
}

/** Whether a binary can be held, by binaryIdentity: a binary replaced in place is probed again. */
const support = new Map<string, { probing: Promise<boolean>; known?: boolean }>();

/**
 * Whether processes of `binary` can be held (probed once per binary and process, see the top of this
 * file). `wait: false` answers from what is known now (false until a probe succeeded) and starts
 * the probe if there was none.
 */
export async function heldStartsSupported(binary: string, options: { wait?: boolean } = {}): Promise<boolean> {
  const key = await binaryIdentity(binary);
  if (!key) return false;
  let entry = support.get(key);
  if (!entry) {
    const probed: { probing: Promise<boolean>; known?: boolean } = { probing: probeHeldStart(binary).catch(() => false) };
    void probed.probing.then((supported) => (probed.known = supported));
    support.set(key, (entry = probed));
  }
  if (options.wait !== false) return entry.probing;
  return entry.known ?? false;
}

/** How long the probe waits for the binary to reach its gate (it is CPU-bound startup, on a possibly busy machine). */
const PROBE_WAIT_MS = 30_000;

/**
 * Starts `<binary> -chdir=<missing directory> version` at a gate: a binary that reads its CLI
 * configuration first waits there (in the kernel's FIFO open, as /proc tells) instead of failing on
 * the missing directory; the directory is then created, the gate opened, and the command must
 * succeed. (Asking the FIFO itself whether a reader waits would wake that reader.)
 */
async function probeHeldStart(binary: string): Promise<boolean> {
  if (!MKFIFO) return false;
  const dir = await mkdtemp(join(tmpdir(), 'gantry-held-probe-'));
  try {
    const [gate] = await ProcessGate.create(dir, ['tofurc']);
    const later = join(dir, 'later');
    const held = new HeldProcess(gate!, {
      command: binary,
      args: [`-chdir=${later}`, 'version'],
      cwd: dir,
      env: { PATH: '/usr/bin:/bin', HOME: dir, TMPDIR: dir, LANG: 'C.UTF-8', CHECKPOINT_DISABLE: '1' },
      captureStdout: true,
      killGraceMs: 1_000,
    });
    let ended = false;
    const ending = held.ended.then(() => (ended = true));
    const deadline = Date.now() + PROBE_WAIT_MS;
    while (!ended && Date.now() < deadline) {
      if (await waitsInFifoOpen(`-chdir=${later}`)) {
        await mkdir(later);
        const result = await held.release({ timeoutMs: 10_000 });
        return result.exitCode === 0;
      }
      await Promise.race([ending, new Promise((resolve) => setTimeout(resolve, 5))]);
    }
    await held.discard();
    return false;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Some process whose arguments include `marker` has a thread waiting in a FIFO open (Linux /proc). */
async function waitsInFifoOpen(marker: string): Promise<boolean> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  for (const pid of pids) {
    const args = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!args.split('\0').includes(marker)) continue;
    const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
    for (const task of tasks) {
      const waitingIn = await readFile(`/proc/${pid}/task/${task}/wchan`, 'utf8').catch(() => '');
      if (waitingIn.trim() === 'wait_for_partner') return true;
    }
  }
  return false;
}
