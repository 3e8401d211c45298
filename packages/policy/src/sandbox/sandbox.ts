import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompiledPolicy, CompilePolicyOptions, EvaluateOptions } from '../policy.ts';
import { PolicyBudgetError, PolicySandboxError, type PolicyEvalError } from '../errors.ts';
import { DEFAULT_BUDGET } from '../eval/context.ts';
import {
  type EvaluateRequest,
  type PlainEvaluation,
  type PolicySource,
  type WorkerMessage,
  fromPlainError,
  policyHash,
} from './protocol.ts';

// Isolated policy evaluation: each evaluation runs in a worker thread with a V8 heap limit
// (`resourceLimits`), so a policy that allocates without bound kills its worker, not the server,
// and with a hard wall-clock limit on top of the cooperative budget (a worker still busy shortly
// after its time budget is terminated). A dead worker is replaced and the sandbox keeps serving.
//
//   const sandbox = createPolicySandbox({ maxWorkers: 2, memoryLimitMb: 256 });
//   const { result } = await sandbox.evaluate(policySourceOrCompiled, { entrypoint: 'data.spacelift', input, budget: { timeMs: PLAN_POLICY_TIME_BUDGET_MS } });
//   await sandbox.close();

export interface PolicySandboxOptions {
  /** Evaluations that run at the same time, one per worker thread (default: CPU count, at most 4). */
  maxWorkers?: number;
  /** V8 old-generation heap limit of each worker, in MB (default 256). */
  memoryLimitMb?: number;
  /**
   * How long past its time budget an evaluation may run before its worker is terminated, in ms
   * (default: 1 s plus a tenth of the budget, which also covers parsing a large input and
   * compiling the policy in the worker). The cooperative budget normally stops an evaluation
   * first; this catches a single builtin call that does not return.
   */
  killGraceMs?: number;
  /** Evaluations waiting for a worker before `evaluate` rejects (default 1000). */
  maxQueued?: number;
  /**
   * The worker entry module. Default: `GANTRY_POLICY_WORKER` (a path or file URL) when set, else
   * `worker.ts` next to this file, else the package's `@gantry/policy/sandbox-worker` export as
   * resolved from the working directory (for bundlers that move this file). A `.ts` entry is
   * loaded through tsx's loader (running from TypeScript source: tsx, vitest, Next in dev); a
   * compiled `.js` entry starts directly.
   */
  workerUrl?: URL;
}

/** A policy for the sandbox: a compiled policy (its source is recompiled in the worker) or source. */
export type SandboxPolicy = CompiledPolicy | PolicySource;

export interface SandboxEvaluateOptions extends Omit<EvaluateOptions, 'input'> {
  /** Input document as plain JSON data. */
  input?: unknown;
  /** Input document as JSON text (parsed in the worker; cheaper for a large plan than `input`). */
  inputJSON?: string;
}

/** The sandbox's evaluation result: EvaluationResult without the Rego values (plain data only). */
export interface SandboxEvaluationResult {
  result?: unknown;
  bindings: Record<string, unknown>[];
  prints: string[];
  builtinErrors: PolicyEvalError[];
}

export interface PolicySandbox {
  /** Evaluates in a worker. Rejects with the same errors as `evaluate`, plus PolicyBudgetError('memory') and PolicySandboxError. */
  evaluate(policy: SandboxPolicy, options: SandboxEvaluateOptions): Promise<SandboxEvaluationResult>;
  /** Starts the workers now instead of on first use (their start-up takes a moment). */
  warmUp(): Promise<void>;
  /** Workers started so far, including replacements of terminated ones (for monitoring). */
  readonly stats: { readonly started: number; readonly killedForTime: number; readonly killedForMemory: number };
  /** Terminates the workers; pending evaluations reject with PolicySandboxError. */
  close(): Promise<void>;
}

interface Task {
  request: Omit<EvaluateRequest, 'id'>;
  timeMs: number;
  resolve: (r: SandboxEvaluationResult) => void;
  reject: (e: unknown) => void;
}

export function createPolicySandbox(opts: PolicySandboxOptions = {}): PolicySandbox {
  return new Sandbox(opts);
}

/** Where the worker entry is, in order of preference (see PolicySandboxOptions.workerUrl). */
export function defaultWorkerUrl(): URL {
  const tried: string[] = [];
  const fromEnv = process.env.GANTRY_POLICY_WORKER;
  if (fromEnv) return fromEnv.startsWith('file:') ? new URL(fromEnv) : pathToFileURL(fromEnv);
  const beside = new URL('./worker.ts', import.meta.url);
  if (beside.protocol === 'file:' && existsSync(fileURLToPath(beside))) return beside;
  tried.push(beside.href);
  try {
    return pathToFileURL(createRequire(join(process.cwd(), 'noop.js')).resolve('@gantry/policy/sandbox-worker'));
  } catch {
    tried.push('@gantry/policy/sandbox-worker from ' + process.cwd());
  }
  throw new PolicySandboxError(`the policy sandbox worker entry was not found (tried ${tried.join(', ')}); set GANTRY_POLICY_WORKER or the workerUrl option`);
}

class Sandbox implements PolicySandbox {
  private readonly maxWorkers: number;
  private readonly memoryLimitMb: number;
  private readonly killGraceMs: number | undefined;
  private readonly maxQueued: number;
  private readonly workerUrl: URL;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  readonly stats = { started: 0, killedForTime: 0, killedForMemory: 0 };

  constructor(opts: PolicySandboxOptions) {
    this.maxWorkers = Math.max(1, Math.floor(opts.maxWorkers ?? Math.min(4, availableParallelism())));
    this.memoryLimitMb = opts.memoryLimitMb ?? 256;
    if (!(this.memoryLimitMb >= 16)) throw new RangeError('memoryLimitMb must be at least 16');
    this.killGraceMs = opts.killGraceMs;
    this.maxQueued = opts.maxQueued ?? 1000;
    this.workerUrl = opts.workerUrl ?? defaultWorkerUrl();
  }

  evaluate(policy: SandboxPolicy, options: SandboxEvaluateOptions): Promise<SandboxEvaluationResult> {
    if (this.closed) return Promise.reject(new PolicySandboxError('the policy sandbox is closed'));
    let request: Omit<EvaluateRequest, 'id'>;
    try {
      request = buildRequest(policy, options);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.queue.length >= this.maxQueued) {
      return Promise.reject(new PolicySandboxError(`the policy sandbox has ${this.queue.length} evaluations waiting; try again later`));
    }
    const timeMs = options.budget?.timeMs ?? DEFAULT_BUDGET.timeMs;
    return new Promise((resolve, reject) => {
      this.queue.push({ request, timeMs, resolve, reject });
      this.dispatch();
    });
  }

  async warmUp(): Promise<void> {
    while (this.slots.length < this.maxWorkers) this.spawn();
    await Promise.all(this.slots.map((s) => s.ready));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new PolicySandboxError('the policy sandbox was closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.stop(new PolicySandboxError('the policy sandbox was closed'))));
  }

  /** Hands queued tasks to idle ready workers, starting workers up to the limit. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = this.slots.find((s) => s.isReady && s.task === undefined);
      if (idle) {
        idle.run(this.queue.shift()!, this.nextId++);
        continue;
      }
      const starting = this.slots.filter((s) => !s.isReady).length;
      if (this.slots.length < this.maxWorkers && starting < this.queue.length) {
        this.spawn();
        continue;
      }
      return;
    }
  }

  private spawn(): Slot {
    const slot = new Slot(this.workerUrl, this.memoryLimitMb, this.killGraceMs, {
      onReady: () => this.dispatch(),
      onIdle: () => this.dispatch(),
      onExit: (dead, reason) => {
        const i = this.slots.indexOf(dead);
        if (i >= 0) this.slots.splice(i, 1);
        if (reason === 'time') this.stats.killedForTime++;
        if (reason === 'memory') this.stats.killedForMemory++;
        if (reason === 'startup') {
          // A worker that cannot start will not start on retry either: fail what is waiting.
          for (const t of this.queue.splice(0)) t.reject(dead.startupError!);
          return;
        }
        if (!this.closed) this.dispatch();
      },
    });
    this.stats.started++;
    this.slots.push(slot);
    return slot;
  }
}

type ExitReason = 'time' | 'memory' | 'crash' | 'startup' | 'closed';

/** One worker thread and the task it runs. */
class Slot {
  private readonly worker: Worker;
  readonly ready: Promise<void>;
  isReady = false;
  task: (Task & { id: number }) | undefined;
  startupError: PolicySandboxError | undefined;
  private timer: NodeJS.Timeout | undefined;
  private exitReason: ExitReason | undefined;
  private exitError: unknown;

  constructor(
    url: URL,
    private readonly memoryLimitMb: number,
    private readonly killGraceMs: number | undefined,
    private readonly events: { onReady(): void; onIdle(): void; onExit(slot: Slot, reason: ExitReason): void },
  ) {
    const entry = workerEntry(url);
    this.worker = new Worker(entry.script, {
      eval: entry.eval,
      execArgv: [],
      resourceLimits: {
        maxOldGenerationSizeMb: memoryLimitMb,
        maxYoungGenerationSizeMb: Math.max(8, Math.min(64, Math.floor(memoryLimitMb / 8))),
      },
      stdout: false,
      stderr: false,
    });
    // Referenced while starting and while running an evaluation; an idle worker does not keep
    // the process alive.
    let markReady!: () => void;
    this.ready = new Promise((r) => (markReady = r));
    this.worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') {
        this.isReady = true;
        if (this.task === undefined) this.worker.unref();
        markReady();
        this.events.onReady();
        return;
      }
      const t = this.task;
      if (!t || t.id !== m.id) return;
      this.finish();
      if (m.type === 'result') t.resolve(fromPlainEvaluation(m.evaluation));
      else t.reject(fromPlainError(m.error));
      this.events.onIdle();
    });
    this.worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') this.exitReason ??= 'memory';
      else this.exitError = e;
    });
    this.worker.on('exit', () => {
      markReady();
      const t = this.task;
      this.finish();
      const reason: ExitReason = this.exitReason ?? (this.isReady ? 'crash' : 'startup');
      if (reason === 'startup') {
        this.startupError = new PolicySandboxError(
          `the policy sandbox worker did not start (${url.href}): ${(this.exitError as Error | undefined)?.message ?? 'it exited'}`,
        );
      }
      if (t) t.reject(this.exitErrorFor(reason, t));
      this.events.onExit(this, reason);
    });
  }

  run(task: Task, id: number): void {
    this.task = { ...task, id };
    this.worker.ref(); // a running evaluation keeps the process alive
    this.timer = setTimeout(() => {
      this.exitReason = 'time';
      void this.worker.terminate();
    }, task.timeMs + (this.killGraceMs ?? 1000 + Math.ceil(task.timeMs / 10)));
    try {
      this.worker.postMessage({ ...task.request, id } satisfies EvaluateRequest);
    } catch (e) {
      // Not cloneable (functions, symbols …): a caller error, the worker is fine.
      this.finish();
      this.task = undefined;
      task.reject(new TypeError(`policy input or data cannot be sent to the sandbox: ${(e as Error).message}`));
      queueMicrotask(() => this.events.onIdle());
    }
  }

  async stop(reason: Error): Promise<void> {
    this.exitReason = 'closed';
    this.exitError = reason;
    await this.worker.terminate();
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.task) this.worker.unref();
    this.task = undefined;
  }

  private exitErrorFor(reason: ExitReason, t: Task): Error {
    switch (reason) {
      case 'time':
        return new PolicyBudgetError(
          'time',
          `evaluation exceeded its time budget of ${t.timeMs} ms and did not stop; its sandbox worker was terminated`,
        );
      case 'memory':
        return new PolicyBudgetError('memory', `evaluation exceeded the sandbox memory limit of ${this.memoryLimitMb} MB; its sandbox worker was terminated`);
      case 'closed':
        return this.exitError as Error;
      case 'startup':
        return this.startupError!;
      default:
        return new PolicySandboxError(`the policy sandbox worker crashed: ${(this.exitError as Error | undefined)?.message ?? 'it exited'}`);
    }
  }
}

function fromPlainEvaluation(e: PlainEvaluation): SandboxEvaluationResult {
  return {
    result: e.result,
    bindings: e.bindings,
    prints: e.prints,
    builtinErrors: e.builtinErrors.map((x) => fromPlainError(x) as PolicyEvalError),
  };
}

function buildRequest(policy: SandboxPolicy, o: SandboxEvaluateOptions): Omit<EvaluateRequest, 'id'> {
  const source = sourceOf(policy);
  if ((o.query === undefined) === (o.entrypoint === undefined)) {
    throw new TypeError('evaluate: pass exactly one of `query` or `entrypoint`');
  }
  if (o.input !== undefined && o.inputJSON !== undefined) throw new TypeError('evaluate: pass `input` or `inputJSON`, not both');
  return {
    hash: policyHash(source),
    policy: source,
    query: o.query,
    entrypoint: o.entrypoint,
    input: o.input,
    inputJSON: o.inputJSON,
    data: o.data,
    budget: o.budget,
    strict: o.strict,
    nowNs: o.nowNs,
  };
}

function sourceOf(policy: SandboxPolicy): PolicySource {
  const opts: Readonly<CompilePolicyOptions> | PolicySource = 'source' in policy && 'program' in policy ? policy.source : policy;
  if ('builtins' in opts && opts.builtins !== undefined) {
    throw new TypeError('policies compiled with custom builtins cannot run in the sandbox (functions cannot cross into a worker)');
  }
  return {
    modules: opts.modules.map((m) => ({ path: m.path, source: m.source })),
    regoVersion: opts.regoVersion,
    experimentalKeywords: opts.experimentalKeywords,
    spaceliftHelpers: opts.spaceliftHelpers,
    disabledBuiltins: opts.disabledBuiltins,
  };
}

/**
 * How to start a worker on `url`. Compiled JavaScript starts directly. TypeScript source needs
 * tsx: Node 20 does not apply `--import` loader hooks to a worker's entry module, so a one-line
 * bootstrap registers tsx's ESM hooks inside the worker, then imports the entry.
 */
function workerEntry(url: URL): { script: string | URL; eval: boolean } {
  if (!/\.[cm]?ts$/.test(url.pathname)) return { script: url, eval: false };
  const require = createRequire(fileURLToPath(import.meta.url));
  let tsxDir: string;
  try {
    tsxDir = dirname(require.resolve('tsx/package.json'));
  } catch {
    throw new PolicySandboxError(`the policy sandbox worker ${url.href} is TypeScript and needs the tsx package, which is not installed`);
  }
  const api = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const script = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return { script, eval: true };
}
