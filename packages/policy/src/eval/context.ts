import type { Value } from '../value.ts';
import type { BuiltinContext } from '../builtins/types.ts';
import { PolicyBudgetError, PolicyEvalError } from '../errors.ts';
import type { Location } from '../syntax/ast.ts';
import type { TreeNode } from './ir.ts';
import type { CompiledProgram } from './program.ts';

// Per-evaluation state. The evaluator is synchronous, so the current context is a module-level
// variable (set by `runWithContext`), which keeps it out of every step's argument list.

export interface Budget {
  /** Wall-clock limit in milliseconds. */
  timeMs: number;
  /** Maximum evaluation steps (expression evaluations and iterations). */
  maxSteps: number;
  /** Maximum nesting of rule/function/comprehension evaluation. */
  maxDepth: number;
  /** Maximum bytes of `print` output kept. */
  maxPrintBytes: number;
  /** Maximum number of query results. */
  maxResults: number;
  /** Maximum size of a collection a builtin may be asked to build (e.g. `numbers.range`). */
  maxCollectionSize: number;
}

export const DEFAULT_BUDGET: Budget = {
  timeMs: 5000,
  maxSteps: 500_000_000,
  maxDepth: 1000,
  maxPrintBytes: 1 << 20,
  maxResults: 100_000,
  maxCollectionSize: 10_000_000,
};

/** A function replacement installed by `with f as g` / `with f as value`. */
export type Mock = { kind: 'value'; value: Value } | { kind: 'function'; target: string };

export class EvalContext {
  input: Value | undefined;
  /** Base document (`data` minus rules). */
  data: Value;
  /** Current cache layer (rule values, function results). Replaced inside `with`. */
  cache = new Map<number, unknown>();
  /** Rule-tree nodes replaced by `with data.… as …`. */
  masked: Set<TreeNode> | undefined;
  mocks: Map<string, Mock> | undefined;
  steps = 0;
  depth = 0;
  readonly deadline: number;
  readonly printLines: string[] = [];
  printBytes = 0;
  /** First builtin error seen (non-strict mode keeps going, OPA-style). */
  builtinErrors: PolicyEvalError[] = [];

  constructor(
    readonly program: CompiledProgram,
    readonly budget: Budget,
    readonly strict: boolean,
    readonly builtinCtx: BuiltinContext,
    input: Value | undefined,
    data: Value,
  ) {
    this.input = input;
    this.data = data;
    this.deadline = performance.now() + budget.timeMs;
  }

  /** Counts one unit of work; checks the step budget, and the clock every 1024 steps. */
  tick(): void {
    const s = ++this.steps;
    if ((s & 1023) === 0) this.checkBudget();
  }

  /**
   * Counts `units` of work done inside a builtin (elements visited, characters scanned …). The
   * budget is checked once at least 1024 units have accumulated, so builtins may call this per
   * element without reading the clock each time.
   */
  charge(units: number): void {
    this.steps += units;
    this.charged += units;
    if (this.charged >= 1024) {
      this.charged = 0;
      this.checkBudget();
    }
  }

  private charged = 0;

  private checkBudget(): void {
    if (this.steps > this.budget.maxSteps) {
      throw new PolicyBudgetError('steps', `evaluation exceeded its step budget of ${this.budget.maxSteps} steps`);
    }
    if (performance.now() > this.deadline) {
      throw new PolicyBudgetError('time', `evaluation exceeded its time budget of ${this.budget.timeMs} ms`);
    }
  }

  enter(loc: Location | undefined): void {
    if (++this.depth > this.budget.maxDepth) {
      this.depth = 0;
      throw new PolicyBudgetError('depth', `evaluation exceeded the maximum nesting depth of ${this.budget.maxDepth}` + (loc ? ` at ${loc.file}:${loc.row}` : ''));
    }
  }

  leave(): void {
    this.depth--;
  }

  print(line: string): void {
    if (this.printBytes > this.budget.maxPrintBytes) return;
    this.printBytes += line.length + 1;
    if (this.printBytes > this.budget.maxPrintBytes) {
      this.printLines.push('<print output truncated>');
      return;
    }
    this.printLines.push(line);
  }
}

export let ctx: EvalContext = undefined as unknown as EvalContext;

export function runWithContext<T>(c: EvalContext, f: () => T): T {
  const prev = ctx;
  ctx = c;
  try {
    return f();
  } finally {
    ctx = prev;
  }
}
