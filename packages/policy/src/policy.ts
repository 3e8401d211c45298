import { type Value, fromJSON, toJSON } from './value.ts';
import type { BuiltinDef } from './builtins/types.ts';
import { type CompiledQuery, Compiler, compileModules } from './compiler/compile.ts';
import type { CompiledProgram } from './eval/program.ts';
import { type RunResult, runQuery } from './eval/evaluate.ts';
import type { Budget } from './eval/context.ts';
import type { RegoVersion } from './syntax/ast.ts';
import { PolicyBudgetError, PolicyCompileError, PolicyEvalError } from './errors.ts';
import { spaceliftBuiltins } from './builtins/spacelift.ts';

// compilePolicy / evaluate and their types (re-exported by index.ts).

export interface PolicyModule {
  /** File name shown in errors and test reports. */
  path: string;
  source: string;
}

export interface CompilePolicyOptions {
  modules: PolicyModule[];
  /** Rego syntax version of the modules (default `v1`). */
  regoVersion?: RegoVersion;
  /** Enable OPA's experimental `and` / `or` keywords. */
  experimentalKeywords?: boolean;
  /**
   * Spacelift's helper functions (`sanitized`), which Gantry's policy types offer like Spacelift
   * does. Default true; false compiles plain OPA Rego.
   */
  spaceliftHelpers?: boolean;
  /** Extra builtins by name (they win over Spacelift's helpers; not available in the sandbox). */
  builtins?: ReadonlyMap<string, BuiltinDef>;
  /** Builtins that policies may not call (compile error), e.g. Spacelift's list. */
  disabledBuiltins?: readonly string[];
}

export class CompiledPolicy {
  private readonly queries = new Map<string, CompiledQuery>();
  private static readonly MAX_CACHED_QUERIES = 256;
  /** @internal */
  constructor(
    /** @internal */ readonly program: CompiledProgram,
    /** @internal */ readonly compiler: Compiler,
    readonly regoVersion: RegoVersion,
    /** What it was compiled from (the sandbox recompiles it inside its workers). */
    readonly source: Readonly<CompilePolicyOptions>,
  ) {}

  /** Compiles (once) and returns a query. Throws PolicyCompileError. */
  prepare(query: string): CompiledQuery {
    let q = this.queries.get(query);
    if (!q) {
      q = this.compiler.compileQuery(query);
      if (this.queries.size >= CompiledPolicy.MAX_CACHED_QUERIES) this.queries.clear();
      this.queries.set(query, q);
    }
    return q;
  }

  /** Data paths of the rules defined (e.g. `data.spacelift.deny`). */
  get rulePaths(): string[] {
    return [...this.program.groups.keys()];
  }
}

/** Parses and compiles Rego modules. Throws PolicyCompileError (with every error found). */
export function compilePolicy(opts: CompilePolicyOptions): CompiledPolicy {
  const regoVersion = opts.regoVersion ?? 'v1';
  const helpers = opts.spaceliftHelpers ?? true;
  let builtins = opts.builtins;
  if (helpers) builtins = builtins ? new Map([...spaceliftBuiltins, ...builtins]) : spaceliftBuiltins;
  const { program, compiler } = compileModules(opts.modules, {
    regoVersion,
    experimentalKeywords: opts.experimentalKeywords,
    builtins,
    disabledBuiltins: opts.disabledBuiltins,
  });
  return new CompiledPolicy(program, compiler, regoVersion, opts);
}

export interface EvaluateOptions {
  /** A Rego query (`data.spacelift.deny[x]`); results are its variable bindings. */
  query?: string;
  /** A document to evaluate (`data.spacelift.deny` or `spacelift/deny`); `result` is its value. */
  entrypoint?: string;
  /** Input document: plain JSON data (or a Rego value). */
  input?: unknown;
  /** Base `data` document. */
  data?: unknown;
  /** Limits; Spacelift uses 45 s for plan, 10 s for push, 5 s for others. */
  budget?: Partial<Budget>;
  /** Builtin errors abort evaluation instead of making the call undefined. */
  strict?: boolean;
  /** Fixed `time.now_ns()` (default: the current time). */
  nowNs?: bigint;
}

export interface EvaluationResult {
  /** For `entrypoint`: the document's value as JSON data (undefined when undefined). */
  result?: unknown;
  /** For `entrypoint`: the document's Rego value. */
  value?: Value;
  /** For `query`: one object per solution, variable → JSON data. */
  bindings: Record<string, unknown>[];
  /** For `query`: the same as Rego values. */
  values: Map<string, Value>[];
  /** Lines written by `print`. */
  prints: string[];
  /** Builtin errors that made calls undefined (non-strict mode). */
  builtinErrors: PolicyEvalError[];
}

const ENTRY_VAR = '__gantry_result__';

/** Evaluates a query or entrypoint. Throws PolicyEvalError (incl. PolicyBudgetError) or PolicyCompileError (bad query). */
export function evaluate(policy: CompiledPolicy, opts: EvaluateOptions): EvaluationResult {
  try {
    return evaluateInner(policy, opts);
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new PolicyBudgetError('depth', 'evaluation exceeded the maximum nesting depth (a value or expression is nested too deeply)');
    }
    throw e;
  }
}

function evaluateInner(policy: CompiledPolicy, opts: EvaluateOptions): EvaluationResult {
  if ((opts.query === undefined) === (opts.entrypoint === undefined)) {
    throw new TypeError('evaluate: pass exactly one of `query` or `entrypoint`');
  }
  const queryText = opts.query ?? `${ENTRY_VAR} = ${entrypointRef(opts.entrypoint!)}`;
  const q = policy.prepare(queryText);
  const run: RunResult = runQuery(policy.program, q, {
    input: opts.input === undefined ? undefined : fromJSON(opts.input),
    data: opts.data === undefined ? undefined : fromJSON(opts.data),
    budget: opts.budget,
    strict: opts.strict,
    nowNs: opts.nowNs,
  });
  const out: EvaluationResult = {
    bindings: [],
    values: run.results,
    prints: run.prints,
    builtinErrors: run.builtinErrors,
  };
  if (opts.entrypoint !== undefined) {
    const v = run.results[0]?.get(ENTRY_VAR);
    out.value = v;
    out.result = v === undefined ? undefined : toJSON(v);
    out.values = [];
    return out;
  }
  out.bindings = run.results.map((r) => Object.fromEntries([...r].map(([k, v]) => [k, toJSON(v)])));
  return out;
}

/** `spacelift/deny` or `data.spacelift.deny` → `data.spacelift.deny`. */
function entrypointRef(e: string): string {
  if (e.startsWith('data.') || e === 'data') return e;
  const parts = e.split('/').filter((p) => p !== '');
  if (parts.some((p) => !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(p))) {
    return 'data' + parts.map((p) => `[${JSON.stringify(p)}]`).join('');
  }
  return ['data', ...parts].join('.');
}

