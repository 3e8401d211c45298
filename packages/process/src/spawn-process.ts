import { superviseProcess, type ProcessEvent, type ProcessSpec } from './supervise.mjs';

export type { ProcessEvent, ProcessSpec } from './supervise.mjs';

/** A started process, seen from its caller. */
export interface ProcessHandle {
  /** Signals the process's whole group (until it closed). */
  signalGroup(signal: NodeJS.Signals): void;
}

/** Starts processes, in this process or elsewhere (the worker's spawner child). */
export interface ProcessStarter {
  spawn(spec: ProcessSpec, emit: (event: ProcessEvent) => void): ProcessHandle;
}

/** `code` of the error event of processes that were killed because the spawner child exited. */
export const SPAWNER_EXITED = 'SPAWNER_EXITED';

/** The process was killed because the worker's spawner child exited while it ran. */
export class ProcessSpawnerExitedError extends Error {
  override readonly name = 'ProcessSpawnerExitedError';
  readonly code = SPAWNER_EXITED;
}

let installed: ProcessStarter | null = null;

/**
 * Where spawnProcess starts processes from now on (null: in this process). The worker installs its
 * spawner child here (`@gantry/process/spawner`); everything else starts processes itself.
 */
export function setProcessStarter(starter: ProcessStarter | null): void {
  installed = starter;
}

/**
 * Starts `spec.command` in a process group of its own with exactly `spec.env`, through the installed
 * spawner if there is one, and reports its output and end through `emit`, in order. May throw
 * synchronously for arguments no process can be started with.
 */
export function spawnProcess(spec: ProcessSpec, emit: (event: ProcessEvent) => void): ProcessHandle {
  return (installed ?? { spawn: superviseProcess }).spawn(spec, emit);
}

/** The error to throw for an `error` event (the process could not start, or the spawner exited). */
export function processStartError(event: Extract<ProcessEvent, { type: 'error' }>): Error {
  if (event.code === SPAWNER_EXITED) return new ProcessSpawnerExitedError(event.message);
  return Object.assign(new Error(event.message), event.code ? { code: event.code } : {});
}
