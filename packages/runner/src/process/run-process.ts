import { processStartError, spawnProcess, type ProcessEvent } from '@gantry/process';

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
  /** Aborting sends SIGKILL to the process group at once (a process that has done nothing yet). */
  kill?: AbortSignal;
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
    if (options.signal?.aborted || options.kill?.aborted) {
      resolve({ exitCode: null, signal: null, aborted: true, timedOut: false, stdout: '', durationMs: 0 });
      return;
    }

    const decoder = new TextDecoder('utf-8');
    const stdoutChunks: Buffer[] = [];
    let aborted = false;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timeout: NodeJS.Timeout | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;

    const cleanUp = () => {
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      options.kill?.removeEventListener('abort', onKill);
      if (timeout) clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
    };
    const settle = () => {
      if (settled || !exit) return;
      cleanUp();
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
    const onEvent = (event: ProcessEvent) => {
      if (event.type === 'data') {
        if (event.fd === 2 || !options.captureStdout) {
          const text = decoder.decode(event.chunk, { stream: true });
          if (text.length > 0) options.onOutput?.(text);
        } else {
          stdoutChunks.push(event.chunk);
        }
      } else if (event.type === 'exit') {
        exit = { code: event.code, signal: event.signal };
      } else if (event.type === 'close') {
        settle();
      } else if (!settled) {
        cleanUp();
        reject(processStartError(event));
      }
    };

    // Through the worker's spawner child when it has one (see @gantry/process). The group is killed
    // as soon as the command exits; the pipes are then waited for at most PIPE_DRAIN_MS, in case a
    // descendant escaped the group.
    const child = spawnProcess(
      {
        command: options.command,
        args: options.args,
        cwd: options.cwd,
        env: options.env,
        mergeOutput: !options.captureStdout,
        killGroupOnExit: true,
        drainMs: PIPE_DRAIN_MS,
      },
      onEvent,
    );
    const stop = () => {
      if (exit || killTimer) return;
      child.signalGroup('SIGINT');
      killTimer = setTimeout(() => child.signalGroup('SIGKILL'), killGraceMs);
    };
    function onAbort() {
      aborted = true;
      stop();
    }
    function onKill() {
      aborted = true;
      if (!exit) child.signalGroup('SIGKILL');
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    options.kill?.addEventListener('abort', onKill, { once: true });
    if (options.timeoutMs !== undefined) {
      timeout = setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs);
    }
  });
}
