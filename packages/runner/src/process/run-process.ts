import { spawn } from 'node:child_process';

export interface RunProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  /** The complete environment of the process; nothing is inherited from the worker. */
  env: Record<string, string>;
  /**
   * Output as UTF-8 text, in the order it was written. Without `captureStdout`, stdout and stderr are
   * one stream (as in a terminal); with it, only stderr arrives here.
   */
  onOutput?: (text: string) => void;
  /** Aborting sends SIGINT to the process group, then SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  /** Stops the process like an abort once this much time has passed. */
  timeoutMs?: number;
  /** Time between SIGINT and SIGKILL on abort or time-out (default 10 s). */
  killGraceMs?: number;
  /** Collect stdout into the result instead of streaming it (for machine-readable output). */
  captureStdout?: boolean;
}

export interface ProcessResult {
  /** Exit code, or null when the process was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The process was stopped because `signal` was aborted. */
  aborted: boolean;
  /** The process was stopped because it ran past `timeoutMs`. */
  timedOut: boolean;
  /** Collected stdout when `captureStdout` is set, otherwise empty. */
  stdout: string;
  durationMs: number;
}

const DEFAULT_KILL_GRACE_MS = 10_000;
/** How long to wait for output pipes after the process exited, in case a descendant escaped the group. */
const PIPE_DRAIN_MS = 2_000;

/**
 * Runs a command in its own process group with exactly the environment given. stdout and stderr are
 * merged by the shell (`exec cmd 2>&1`) so that both go through one pipe and keep their order; exec
 * replaces the shell, so the command itself leads the group. When the command exits, whatever it
 * left running in its group is killed: nothing of a run outlives its phase.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;

  return new Promise<ProcessResult>((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, aborted: true, timedOut: false, stdout: '', durationMs: 0 });
      return;
    }

    const child = options.captureStdout
      ? spawn(options.command, options.args, {
          cwd: options.cwd,
          env: options.env,
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        })
      : spawn('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', options.command, ...options.args], {
          cwd: options.cwd,
          env: options.env,
          stdio: ['ignore', 'pipe', 'ignore'],
          detached: true,
        });

    const streamed = options.captureStdout ? child.stderr : child.stdout;
    const decoder = new TextDecoder('utf-8');
    streamed?.on('data', (chunk: Buffer) => {
      const text = decoder.decode(chunk, { stream: true });
      if (text.length > 0) options.onOutput?.(text);
    });
    const stdoutChunks: Buffer[] = [];
    if (options.captureStdout) child.stdout?.on('data', (chunk: Buffer) => stdoutChunks.push(chunk));

    let aborted = false;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;

    const stop = () => {
      if (child.pid === undefined || exit || killTimer) return;
      signalGroup(child.pid, 'SIGINT');
      killTimer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), killGraceMs);
    };
    const onAbort = () => {
      aborted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timeout =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, options.timeoutMs)
        : undefined;

    const settle = () => {
      if (settled || !exit) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (timeout) clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      if (drainTimer) clearTimeout(drainTimer);
      const rest = decoder.decode();
      if (rest.length > 0) options.onOutput?.(rest);
      resolve({
        exitCode: exit.code,
        signal: exit.signal,
        aborted,
        timedOut,
        stdout: Buffer.concat(stdoutChunks).toString('utf8'),
        durationMs: Math.round(performance.now() - started),
      });
    };

    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (timeout) clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        settle();
      }, PIPE_DRAIN_MS);
    });
    child.on('close', settle);
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
