// @gantry/policy — a Rego (OPA) engine in TypeScript.
//
//   const policy = compilePolicy({ modules: [{ path: 'plan.rego', source }], regoVersion: 'v1' });
//   const { result } = evaluate(policy, { entrypoint: 'data.spacelift.deny', input });
//
// Compiled policies are immutable and reusable (cache them); evaluation is synchronous and
// bounded by a budget (time, steps, depth, output); `createPolicySandbox` runs evaluations in
// worker threads with a memory limit and a hard time limit.

export * from './policy.ts';
export * from './errors.ts';
export * from './value.ts';
export type { Budget } from './eval/context.ts';
export { DEFAULT_BUDGET } from './eval/context.ts';
export { formatValue } from './format.ts';
export { createPolicySandbox, type PolicySandbox, type PolicySandboxOptions, type SandboxEvaluateOptions, type SandboxEvaluationResult, type SandboxPolicy } from './sandbox/sandbox.ts';
export type { PolicySource } from './sandbox/protocol.ts';
export * from './budgets.ts';
export { sanitizeValue, spaceliftBuiltins } from './builtins/spacelift.ts';
export type { BuiltinContext, BuiltinDef, BuiltinImpl } from './builtins/types.ts';
export { BuiltinError, BuiltinHaltError, BuiltinTypeError } from './builtins/types.ts';
export { runPolicyTests, formatTestReport, type PolicyTestFile, type PolicyTestReport, type PolicyTestResult, type RunPolicyTestsOptions } from './testing/runner.ts';
