/** What to run, and how; plain data, so that it can be sent to the spawner child. */
export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  /** The complete environment of the process; nothing is inherited. */
  env: Record<string, string>;
  /**
   * stdout and stderr as one stream, in the order they were written (fd 1, through
   * `/bin/sh -c 'exec "$0" "$@" 2>&1'`); otherwise stdout is fd 1 and stderr fd 2.
   */
  mergeOutput: boolean;
  /** SIGKILL the process group as soon as the command exits (nothing it started outlives it). */
  killGroupOnExit: boolean;
  /** After the exit, wait at most this long for the pipes to close (a descendant may hold them). */
  drainMs?: number;
}

export type ProcessEvent =
  | { type: 'data'; fd: 1 | 2; chunk: Buffer }
  /** The process could not be started (no close follows). */
  | { type: 'error'; message: string; code: string | null }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  /** Last event: the process exited and its output ended. */
  | { type: 'close' };

export interface SupervisedProcess {
  readonly pid: number | undefined;
  /** Signals the whole process group, until the process closed. */
  signalGroup(signal: NodeJS.Signals): void;
  /** Closed, or failed to start. */
  readonly done: boolean;
  /** Stops and restarts reading output (backpressure towards the command). */
  pause(): void;
  resume(): void;
}

/**
 * Starts `spec.command` detached (a process group of its own, which it leads) and reports its
 * output and end through `emit`, in order.
 */
export function superviseProcess(spec: ProcessSpec, emit: (event: ProcessEvent) => void): SupervisedProcess;

export function signalGroup(pid: number, signal: NodeJS.Signals): void;
