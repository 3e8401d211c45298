import type { Location } from './syntax/ast.ts';

// One error hierarchy for the engine. Every error has an OPA-style `code` and, when known, the
// source location. Messages are formatted like OPA's:
//   compile:    test-0.rego:3:5: rego_unsafe_var_error: var x is unsafe
//   evaluation: test-0.rego:3: eval_conflict_error: complete rules must not produce multiple outputs

export interface SourceLocation {
  /** Module path as given to `compilePolicy` (e.g. `policies/plan.rego`). */
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

export type CompileErrorCode =
  | 'rego_parse_error'
  | 'rego_compile_error'
  | 'rego_type_error'
  | 'rego_unsafe_var_error'
  | 'rego_recursion_error';

export class PolicyError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly location?: SourceLocation,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface CompileErrorDetail {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly code: CompileErrorCode;
  readonly message: string;
}

export function formatCompileError(e: CompileErrorDetail): string {
  return `${e.path ? e.path + ':' : ''}${e.line}:${e.column}: ${e.code}: ${e.message}`;
}

/** Parse or compile failure. `errors` lists every problem found (OPA stops after 10). */
export class PolicyCompileError extends PolicyError {
  constructor(readonly errors: readonly CompileErrorDetail[]) {
    const first = errors[0];
    const msg =
      errors.length === 1 ? formatCompileError(first!) : `${errors.length} errors occurred:\n` + errors.map(formatCompileError).join('\n');
    super(first?.code ?? 'rego_compile_error', msg, first ? { path: first.path, line: first.line, column: first.column } : undefined);
  }
}

export type EvalErrorCode =
  | 'eval_type_error'
  | 'eval_builtin_error'
  | 'eval_conflict_error'
  | 'eval_recursion_error'
  | 'eval_cancel_error'
  | 'eval_with_merge_error'
  | 'eval_internal_error'
  | 'eval_budget_error';

/** Evaluation failure (conflicts, strict builtin errors, budgets …). */
export class PolicyEvalError extends PolicyError {
  /** The message without the location/code prefix. */
  readonly detail: string;
  constructor(code: EvalErrorCode, detail: string, loc?: Location) {
    const location = loc ? { path: loc.file, line: loc.row, column: loc.col } : undefined;
    super(code, (loc ? `${loc.file ? loc.file + ':' + loc.row : loc.row + ':' + loc.col}: ` : '') + `${code}: ${detail}`, location);
    this.detail = detail;
  }
}

export type BudgetKind = 'time' | 'steps' | 'depth' | 'output' | 'memory';

/**
 * The evaluation ran out of time, steps, nesting depth or output size, or (in the sandbox) of
 * memory.
 */
export class PolicyBudgetError extends PolicyEvalError {
  constructor(
    readonly budget: BudgetKind,
    detail: string,
  ) {
    super('eval_budget_error', detail);
  }
}

/** The policy sandbox could not run an evaluation (worker failed to start, crashed, or was closed). */
export class PolicySandboxError extends PolicyError {
  constructor(message: string) {
    super('policy_sandbox_error', message);
  }
}

/** Internal helper: compile errors collected while compiling, with AST locations. */
export class CompileErrors {
  readonly list: CompileErrorDetail[] = [];
  add(code: CompileErrorCode, message: string, loc: Location | undefined): void {
    if (this.list.some((e) => e.message === message && e.code === code && e.line === (loc?.row ?? 0) && e.column === (loc?.col ?? 0) && e.path === (loc?.file ?? ''))) return;
    this.list.push({ path: loc?.file ?? '', line: loc?.row ?? 0, column: loc?.col ?? 0, code, message });
  }
  get size(): number {
    return this.list.length;
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new PolicyCompileError(this.list.slice(0, 10));
  }
}
