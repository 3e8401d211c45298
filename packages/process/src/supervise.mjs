// Plain JavaScript on purpose: the spawner child (spawner-child.mjs) loads this with no TypeScript
// loader, so that it stays a small process whose forks are cheap. Types: supervise.d.mts.
import { spawn } from 'node:child_process';

/** Runs a command in a process group of its own, with exactly `spec.env`; see supervise.d.mts. */
export function superviseProcess(spec, emit) {
  const options = { cwd: spec.cwd, env: spec.env, detached: true };
  const child = spec.mergeOutput
    ? // One pipe for both streams keeps their order; exec replaces the shell, so the command leads the group.
      spawn('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', spec.command, ...spec.args], { ...options, stdio: ['ignore', 'pipe', 'ignore'] })
    : spawn(spec.command, spec.args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  let exited = false;
  let closed = false;
  let drainTimer;

  child.stdout?.on('data', (chunk) => emit({ type: 'data', fd: 1, chunk }));
  child.stderr?.on('data', (chunk) => emit({ type: 'data', fd: 2, chunk }));
  const close = () => {
    if (closed) return;
    closed = true;
    if (drainTimer) clearTimeout(drainTimer);
    emit({ type: 'close' });
  };
  child.on('error', (error) => {
    if (closed || exited) return;
    closed = true;
    emit({ type: 'error', message: error.message, code: error.code ?? null });
  });
  child.on('exit', (code, signal) => {
    exited = true;
    // Whatever the command left running in its group ends with it.
    if (spec.killGroupOnExit && pid !== undefined) signalGroup(pid, 'SIGKILL');
    emit({ type: 'exit', code, signal });
    if (spec.drainMs !== undefined) {
      // A descendant that escaped the group may hold the pipes open: stop waiting for them.
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        close();
      }, spec.drainMs);
    }
  });
  child.on('close', close);

  return {
    pid,
    signalGroup(signal) {
      if (closed || pid === undefined) return;
      signalGroup(pid, signal);
    },
    get done() {
      return closed;
    },
    pause() {
      child.stdout?.pause();
      child.stderr?.pause();
    },
    resume() {
      child.stdout?.resume();
      child.stderr?.resume();
    },
  };
}

export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
