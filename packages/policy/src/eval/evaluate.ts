import { type Value, RObject } from '../value.ts';
import { PolicyBudgetError, PolicyEvalError } from '../errors.ts';
import type { BuiltinContext } from '../builtins/types.ts';
import { type Budget, DEFAULT_BUDGET, EvalContext, runWithContext } from './context.ts';
import type { CompiledProgram } from './program.ts';
import type { Frame, Step } from './ir.ts';
import { setCallables } from './steps.ts';
import { builtins as builtinMap } from '../builtins/index.ts';

// Runs a compiled query against input and data.

export interface RunOptions {
  input?: Value;
  data?: Value;
  budget?: Partial<Budget>;
  /** Strict builtin errors (OPA's StrictBuiltinErrors). */
  strict?: boolean;
  /** `time.now_ns()` for this evaluation (default: now). */
  nowNs?: bigint;
}

export interface QueryProgram {
  step: Step;
  nslots: number;
  vars: { name: string; slot: number }[];
}

export interface RunResult {
  /** One binding object per solution (user variables only). */
  results: Map<string, Value>[];
  /** Lines written by `print`. */
  prints: string[];
  /** Builtin errors that made expressions undefined (non-strict mode). */
  builtinErrors: PolicyEvalError[];
}

export function runQuery(program: CompiledProgram, q: QueryProgram, opts: RunOptions = {}): RunResult {
  const budget: Budget = { ...DEFAULT_BUDGET, ...opts.budget };
  const prints: string[] = [];
  let ctxRef: EvalContext | undefined;
  const bctx: BuiltinContext = {
    nowNs: opts.nowNs ?? BigInt(Date.now()) * 1_000_000n,
    strict: opts.strict ?? false,
    cache: new Map(),
    print: (line) => ctxRef?.print(line),
    tick: (units = 1) => ctxRef?.charge(units),
  };
  const c = new EvalContext(program, budget, opts.strict ?? false, bctx, opts.input, opts.data ?? new RObject());
  ctxRef = c;
  const results: Map<string, Value>[] = [];
  setCallables({ builtin: (n) => builtinMap.get(n), func: (k) => program.funcGroup(k) });
  try {
    runWithContext(c, () => {
      const f: Frame = new Array(q.nslots);
      q.step(f, () => {
        const r = new Map<string, Value>();
        for (const v of q.vars) {
          const x = f[v.slot];
          if (x !== undefined) r.set(v.name, x);
        }
        results.push(r);
        if (results.length > budget.maxResults) {
          throw new PolicyBudgetError('output', `query produced more than ${budget.maxResults} results`);
        }
        return false;
      });
    });
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new PolicyBudgetError('depth', 'evaluation exceeded the maximum nesting depth (JS stack)');
    }
    throw e;
  }
  prints.push(...c.printLines);
  return { results, prints, builtinErrors: c.builtinErrors };
}
