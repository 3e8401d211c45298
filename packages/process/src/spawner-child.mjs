// The spawner: a small, long-lived child of the worker that starts git and OpenTofu for it.
//
// Why: Node forks the whole process for every spawn, and a worker that has run Prisma's query
// compiler (WebAssembly) forks 3 - 11 ms per process, blocking its event loop meanwhile; this
// process loads nothing but node:child_process and forks in ~1 ms.
//
// Protocol (Node IPC, advanced serialization so that output chunks travel as bytes):
//   worker → spawner: { t: 'spawn', id, spec } | { t: 'signal', id, signal }
//   spawner → worker: { t: 'ready' } | { t: 'spawned', id, pid } | { t: 'event', id, event }
// Events of one process arrive in the order superviseProcess emitted them.
//
// Nothing outlives the worker: when the IPC channel closes (the worker exited or was killed, even
// with SIGKILL) or this process is asked to stop, every process group it started gets SIGINT, then
// SIGKILL after the grace period (argv[2], ms), and the spawner exits.
import { signalGroup, superviseProcess } from './supervise.mjs';

const graceMs = Number(process.argv[2] ?? 5_000);
/** Output sent but not yet written to the channel, above which commands are paused. */
const HIGH_WATER_BYTES = 8 * 1024 * 1024;
const LOW_WATER_BYTES = 1024 * 1024;

/** @type {Map<number, import('./supervise.d.mts').SupervisedProcess>} */
const live = new Map();
let unsentBytes = 0;
let paused = false;
let stopping = false;

function send(message, bytes = 0) {
  if (!process.connected) return;
  unsentBytes += bytes;
  process.send(message, undefined, undefined, () => {
    unsentBytes -= bytes;
    if (paused && unsentBytes <= LOW_WATER_BYTES) {
      paused = false;
      for (const child of live.values()) child.resume();
    }
  });
  if (!paused && unsentBytes > HIGH_WATER_BYTES) {
    paused = true;
    for (const child of live.values()) child.pause();
  }
}

function start(id, spec) {
  let child;
  try {
    child = superviseProcess(spec, (event) => {
      if (event.type === 'close' || event.type === 'error') live.delete(id);
      send({ t: 'event', id, event }, event.type === 'data' ? event.chunk.length : 0);
      if (stopping && live.size === 0) process.exit(0);
    });
  } catch (error) {
    // Invalid arguments (spawn throws synchronously, e.g. a NUL byte in an argument).
    send({ t: 'event', id, event: { type: 'error', message: error.message, code: error.code ?? null } });
    return;
  }
  if (child.done) return;
  live.set(id, child);
  if (paused) child.pause();
  send({ t: 'spawned', id, pid: child.pid });
}

function stopEverything() {
  if (stopping) return;
  stopping = true;
  if (live.size === 0) process.exit(0);
  for (const child of live.values()) child.signalGroup('SIGINT');
  setTimeout(() => {
    for (const child of live.values()) if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    process.exit(0);
  }, graceMs).unref();
  // Output has nowhere to go any more: keep reading it so that no command blocks on a full pipe.
  for (const child of live.values()) child.resume();
}

process.on('message', (message) => {
  if (stopping) return;
  if (message.t === 'spawn') start(message.id, message.spec);
  else if (message.t === 'signal') live.get(message.id)?.signalGroup(message.signal);
});
process.on('disconnect', stopEverything);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, stopEverything);
send({ t: 'ready' });
