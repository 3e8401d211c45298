// Time budgets per policy type, as Spacelift applies them: plan policies get 45 s, push (git
// push) policies 10 s, every other type 5 s. Pass them as `budget.timeMs` to `evaluate` or to
// the sandbox; the sandbox also kills a worker that does not stop shortly after its budget.

export const PLAN_POLICY_TIME_BUDGET_MS = 45_000;
export const PUSH_POLICY_TIME_BUDGET_MS = 10_000;
/** Login, approval, trigger, notification, task, initialization and access policies. */
export const DEFAULT_POLICY_TIME_BUDGET_MS = 5_000;

/** Spacelift's policy types (Gantry uses the same ones). */
export type PolicyType = 'plan' | 'push' | 'login' | 'approval' | 'trigger' | 'notification' | 'task' | 'initialization' | 'access';

/** The time budget of a policy type, in milliseconds. */
export function policyTimeBudgetMs(type: PolicyType): number {
  if (type === 'plan') return PLAN_POLICY_TIME_BUDGET_MS;
  if (type === 'push') return PUSH_POLICY_TIME_BUDGET_MS;
  return DEFAULT_POLICY_TIME_BUDGET_MS;
}
