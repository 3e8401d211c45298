import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setProcessStarter, SPAWNER_EXITED, type ProcessHandle, type ProcessStarter } from './spawn-process.ts';
import { signalGroup, superviseProcess, type ProcessEvent, type ProcessSpec } from './supervise.mjs';

export interface ProcessSpawnerOptions {
  /** After the worker is gone, how long its commands get between SIGINT and SIGKILL (default 5 s). */
  graceMs?: number;
  log?: (message: string) => void;
}

type SpawnerMessage =
  | { t: 'ready' }
  | { t: 'spawned'; id: number; pid: number | undefined }
  | { t: 'event'; id: number; event: ProcessEvent };

interface Running {
  command: string;
  emit: (event: ProcessEvent) => void;
  pid?: number;
}

/** One spawner child and the processes it runs for us. */
interface Generation {
  child: ChildProcess;
  running: Map<number, Running>;
  ready: boolean;
  exited: boolean;
}

const CHILD_SCRIPT = fileURLToPath(new URL('./spawner-child.mjs', import.meta.url));
/** A spawner that dies this many times in a row before it was ready is given up on: direct spawns. */
const MAX_FAILED_STARTS = 3;

/**
 * Starts processes from a small long-lived child process (spawner-child.mjs) instead of this one.
 * A spawn from a large process (the worker, once Prisma ran) costs 3 - 11 ms of blocked event loop;
 * from the spawner about 1 ms, on the other core.
 *
 * If the spawner dies, the processes it was running are killed (their process groups, from here)
 * and fail with ProcessSpawnerExitedError; the next spawn starts a new spawner. If this process
 * dies, the spawner kills everything it started and exits (spawner-child.mjs).
 */
export class ProcessSpawner implements ProcessStarter {
  private current: Generation | null = null;
  private nextId = 1;
  private failedStarts = 0;
  private stopped = false;

  constructor(private readonly options: ProcessSpawnerOptions = {}) {}

  /** Starts the spawner child now (otherwise the first spawn does). */
  start(): void {
    this.generation();
  }

  /** The spawner child's process id (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.current?.child.pid;
  }

  spawn(spec: ProcessSpec, emit: (event: ProcessEvent) => void): ProcessHandle {
    if (this.stopped || this.failedStarts >= MAX_FAILED_STARTS) return superviseProcess(spec, emit);
    const generation = this.generation();
    const id = this.nextId++;
    generation.running.set(id, { command: spec.command, emit });
    this.updateRef(generation);
    generation.child.send({ t: 'spawn', id, spec });
    return {
      signalGroup: (signal) => {
        if (!generation.exited && generation.running.has(id) && generation.child.connected) {
          generation.child.send({ t: 'signal', id, signal });
        }
      },
    };
  }

  /** Closes the channel: the spawner stops what still runs and exits. Later spawns start processes here. */
  async stop(): Promise<void> {
    this.stopped = true;
    const generation = this.current;
    this.current = null;
    if (!generation || generation.exited) return;
    const exited = new Promise<void>((resolve) => generation.child.once('exit', () => resolve()));
    if (generation.child.connected) generation.child.disconnect();
    await exited;
  }

  private generation(): Generation {
    if (this.current && !this.current.exited) return this.current;
    const child = spawn(process.execPath, [CHILD_SCRIPT, String(this.options.graceMs ?? 5_000)], {
      // Its own process group: a Ctrl-C in the worker's terminal is the worker's to handle.
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      // The spawner's own environment; every command it starts gets an explicit one.
      env: {},
    });
    const generation: Generation = { child, running: new Map(), ready: false, exited: false };
    this.current = generation;
    child.on('message', (message: SpawnerMessage) => this.receive(generation, message));
    child.on('exit', (code, signal) => this.lost(generation, signal ? `signal ${signal}` : `exit code ${code}`));
    child.on('error', (error) => this.lost(generation, error.message));
    this.updateRef(generation);
    return generation;
  }

  private receive(generation: Generation, message: SpawnerMessage): void {
    if (message.t === 'ready') {
      generation.ready = true;
      this.failedStarts = 0;
      return;
    }
    const running = generation.running.get(message.id);
    if (!running) return;
    if (message.t === 'spawned') {
      running.pid = message.pid;
      return;
    }
    const event = message.event;
    if (event.type === 'close' || event.type === 'error') {
      generation.running.delete(message.id);
      this.updateRef(generation);
    }
    // Advanced serialization hands bytes over as a Uint8Array.
    if (event.type === 'data' && !Buffer.isBuffer(event.chunk)) {
      const bytes = event.chunk as Uint8Array;
      running.emit({ ...event, chunk: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
      return;
    }
    running.emit(event);
  }

  private lost(generation: Generation, how: string): void {
    if (generation.exited) return;
    generation.exited = true;
    if (this.current === generation) this.current = null;
    if (!generation.ready) this.failedStarts++;
    if (generation.running.size > 0 || !this.stopped) this.options.log?.(`process spawner (pid ${generation.child.pid}) exited (${how}); ${generation.running.size} process(es) killed`);
    for (const running of generation.running.values()) {
      // Its output went to the spawner: nobody can read it any more.
      if (running.pid !== undefined) signalGroup(running.pid, 'SIGKILL');
      running.emit({
        type: 'error',
        message: `The worker's process spawner exited (${how}) while ${running.command} ran; it was killed`,
        code: SPAWNER_EXITED,
      });
    }
    generation.running.clear();
  }

  /** The spawner keeps this process alive only while it runs something for it. */
  private updateRef(generation: Generation): void {
    const channel = generation.child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (generation.running.size > 0) {
      generation.child.ref();
      channel?.ref?.();
    } else {
      generation.child.unref();
      channel?.unref?.();
    }
  }
}

/** Starts a spawner child and makes every spawnProcess of this process go through it. */
export function installProcessSpawner(options: ProcessSpawnerOptions = {}): ProcessSpawner & { uninstall(): Promise<void> } {
  const spawner = new ProcessSpawner(options);
  spawner.start();
  setProcessStarter(spawner);
  return Object.assign(spawner, {
    async uninstall() {
      setProcessStarter(null);
      await spawner.stop();
    },
  });
}
