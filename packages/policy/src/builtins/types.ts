import type { Value } from '../value.ts';

// The contract between the evaluator and builtin functions. A builtin receives fully evaluated
// (ground) arguments and returns a value, or `undefined` for an undefined result. It reports
// problems by throwing one of the errors below; the evaluator decides, per OPA's rules and the
// strict-builtin-errors flag, whether an error aborts the query or makes the call undefined.

export interface BuiltinContext {
  /** `time.now_ns()`: fixed for one evaluation. Nanoseconds since the Unix epoch. */
  readonly nowNs: bigint;
  /** Strict builtin errors (OPA's StrictBuiltinErrors). */
  readonly strict: boolean;
  /** Per-evaluation cache for builtins that must return the same value within one query (e.g. rand, uuid.rfc4122). */
  readonly cache: Map<string, Value>;
  /** Collects `print` output. */
  print(line: string): void;
  /**
   * Counts `units` (default 1) of work against the evaluation budget and throws
   * PolicyBudgetError once it is exhausted. Builtins whose work grows with their arguments
   * (loops over elements, scans of long strings, traversals) call it as they go — see
   * `work.ts` — so a time or step budget also stops a builtin in the middle of a long call.
   * Optional: outside an evaluation (unit tests) there is no budget.
   */
  readonly tick?: (units?: number) => void;
}

export type BuiltinImpl = (args: Value[], ctx: BuiltinContext) => Value | undefined;

export interface BuiltinDef {
  /** Full name, e.g. "strings.replace_n" or "plus". */
  readonly name: string;
  /** Number of arguments (not counting the output). Variadic builtins (print) use -1. */
  readonly arity: number;
  readonly impl: BuiltinImpl;
  /** Same result for the same arguments within one evaluation only if cached (rand.intn, uuid.rfc4122, time.now_ns). */
  readonly nondeterministic?: boolean;
  /**
   * Declared operand and result types, in OPA's notation (`string`, `array[number]`,
   * `any<string, set[string]>`), for compile-time type checks of calls. Optional; OPA's own
   * builtins are declared in compiler/builtin-types.ts.
   */
  readonly types?: { readonly args: readonly string[]; readonly result: string };
}

/** Wrong operand type: `operand 1 must be string but got number`. */
export class BuiltinTypeError extends Error {
  readonly code = 'eval_type_error' as const;
  constructor(
    readonly builtin: string,
    message: string,
  ) {
    super(`${builtin}: ${message}`);
  }
}

/** Any other failure of a builtin (bad regex, bad base64, division by zero …). */
export class BuiltinError extends Error {
  readonly code = 'eval_builtin_error' as const;
  constructor(
    readonly builtin: string,
    message: string,
  ) {
    super(`${builtin}: ${message}`);
  }
}

/** Errors that always abort evaluation, even without strict mode (e.g. `http.send` disabled). */
export class BuiltinHaltError extends Error {
  readonly code = 'eval_builtin_error' as const;
  constructor(
    readonly builtin: string,
    message: string,
  ) {
    super(`${builtin}: ${message}`);
  }
}
