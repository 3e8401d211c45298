import type { MessagePort } from 'node:worker_threads';
import { type CompiledPolicy, compilePolicy, evaluate } from '../policy.ts';
import type { BuiltinDef } from '../builtins/types.ts';
import { type EvaluateRequest, type PlainEvaluation, type WorkerMessage, toPlainError } from './protocol.ts';

// The worker side of the policy sandbox: evaluates one request at a time, synchronously, under
// the cooperative budget. The parent enforces memory (resourceLimits) and a hard wall-clock
// limit by terminating the thread.

export interface ServeOptions {
  /** Builtins added to every policy compiled in this worker (worker entries other than worker.ts). */
  builtins?: ReadonlyMap<string, BuiltinDef>;
}

/** Compiled policies kept per worker, by content hash. */
const MAX_COMPILED = 64;

export function serve(port: MessagePort, opts: ServeOptions = {}): void {
  const compiled = new Map<string, CompiledPolicy>(); // least recently used first

  const policyFor = (req: EvaluateRequest): CompiledPolicy => {
    let p = compiled.get(req.hash);
    if (p) {
      compiled.delete(req.hash); // refresh its place in the LRU order
    } else {
      p = compilePolicy({ ...req.policy, builtins: opts.builtins });
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    }
    compiled.set(req.hash, p);
    return p;
  };

  const run = (req: EvaluateRequest): PlainEvaluation => {
    const policy = policyFor(req);
    let input = req.input;
    if (req.inputJSON !== undefined) {
      try {
        input = JSON.parse(req.inputJSON);
      } catch (e) {
        throw new TypeError(`inputJSON is not valid JSON: ${(e as Error).message}`);
      }
    }
    const r = evaluate(policy, {
      query: req.query,
      entrypoint: req.entrypoint,
      input,
      data: req.data,
      budget: req.budget,
      strict: req.strict,
      nowNs: req.nowNs,
    });
    return { result: r.result, bindings: r.bindings, prints: r.prints, builtinErrors: r.builtinErrors.map(toPlainError) };
  };

  port.on('message', (req: EvaluateRequest) => {
    let msg: WorkerMessage;
    try {
      msg = { type: 'result', id: req.id, evaluation: run(req) };
    } catch (e) {
      msg = { type: 'error', id: req.id, error: toPlainError(e) };
    }
    port.postMessage(msg);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerMessage);
}
