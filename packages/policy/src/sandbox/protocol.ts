import { createHash } from 'node:crypto';
import {
  type BudgetKind,
  type CompileErrorDetail,
  type EvalErrorCode,
  PolicyBudgetError,
  PolicyCompileError,
  PolicyError,
  PolicyEvalError,
  PolicySandboxError,
} from '../errors.ts';
import type { Budget } from '../eval/context.ts';
import type { RegoVersion } from '../syntax/ast.ts';

// Messages between the sandbox (main thread) and its workers. Everything is plain data
// (structured clone): policies travel as source and are compiled and cached inside the worker;
// errors travel as their code, message and details and are rebuilt as the same error classes.

/** What a sandboxed policy is compiled from (no custom builtins: functions cannot cross threads). */
export interface PolicySource {
  modules: { path: string; source: string }[];
  regoVersion?: RegoVersion;
  experimentalKeywords?: boolean;
  spaceliftHelpers?: boolean;
  disabledBuiltins?: readonly string[];
}

/** Content hash of a policy source: the worker-side cache key of its compiled form. */
export function policyHash(p: PolicySource): string {
  const h = createHash('sha256');
  h.update(
    JSON.stringify([
      p.regoVersion ?? 'v1',
      p.experimentalKeywords ?? false,
      p.spaceliftHelpers ?? true,
      [...(p.disabledBuiltins ?? [])].sort(),
      p.modules.map((m) => [m.path, m.source]),
    ]),
  );
  return h.digest('hex');
}

export interface EvaluateRequest {
  id: number;
  hash: string;
  policy: PolicySource;
  query?: string;
  entrypoint?: string;
  input?: unknown;
  /** Input as JSON text, parsed inside the worker (saves a structured clone of a big document). */
  inputJSON?: string;
  data?: unknown;
  budget?: Partial<Budget>;
  strict?: boolean;
  nowNs?: bigint;
}

export interface PlainEvaluation {
  result?: unknown;
  bindings: Record<string, unknown>[];
  prints: string[];
  builtinErrors: PlainPolicyError[];
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; evaluation: PlainEvaluation }
  | { type: 'error'; id: number; error: PlainPolicyError };

export interface PlainPolicyError {
  kind: 'compile' | 'eval' | 'budget' | 'sandbox' | 'type' | 'other';
  code: string;
  message: string;
  /** PolicyEvalError: the message without its location prefix. */
  detail?: string;
  location?: { path: string; line: number; column: number };
  budget?: BudgetKind;
  errors?: CompileErrorDetail[];
}

export function toPlainError(e: unknown): PlainPolicyError {
  if (e instanceof PolicyCompileError) return { kind: 'compile', code: e.code, message: e.message, errors: [...e.errors] };
  if (e instanceof PolicyBudgetError) return { kind: 'budget', code: e.code, message: e.message, detail: e.detail, budget: e.budget };
  if (e instanceof PolicyEvalError) return { kind: 'eval', code: e.code, message: e.message, detail: e.detail, location: e.location };
  if (e instanceof PolicySandboxError) return { kind: 'sandbox', code: e.code, message: e.message };
  if (e instanceof PolicyError) return { kind: 'eval', code: e.code, message: e.message, detail: e.message, location: e.location };
  if (e instanceof TypeError) return { kind: 'type', code: 'type_error', message: e.message };
  return { kind: 'other', code: 'internal_error', message: e instanceof Error ? e.message : String(e) };
}

export function fromPlainError(p: PlainPolicyError): Error {
  switch (p.kind) {
    case 'compile':
      return new PolicyCompileError(p.errors ?? []);
    case 'budget':
      return new PolicyBudgetError(p.budget ?? 'time', p.detail ?? p.message);
    case 'eval': {
      const loc = p.location ? { file: p.location.path, row: p.location.line, col: p.location.column, offset: 0 } : undefined;
      return new PolicyEvalError(p.code as EvalErrorCode, p.detail ?? p.message, loc);
    }
    case 'sandbox':
      return new PolicySandboxError(p.message);
    case 'type':
      return new TypeError(p.message);
    default:
      return new PolicySandboxError(`policy worker failed: ${p.message}`);
  }
}
