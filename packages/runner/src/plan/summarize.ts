import { createSecretMasker } from '../masking/secret-masker.ts';
import { parsePlanJson, type PlanChange, type RawAction } from './plan-json.ts';

/** One action per resource; a replacement (delete and create, in either order) is `replace`. */
export type ResourceAction = 'create' | 'update' | 'delete' | 'replace' | 'read' | 'no-op' | 'forget';

export const SENSITIVE_PLACEHOLDER = '(sensitive)';

export interface ResourceChangeSummary {
  address: string;
  type: string;
  name: string;
  mode: 'managed' | 'data';
  moduleAddress?: string;
  index?: string | number;
  action: ResourceAction;
  /** OpenTofu's own action list, e.g. ['delete', 'create'] or ['create', 'delete'] for a replace. */
  actions: RawAction[];
  actionReason?: string;
  /** Values before and after; sensitive values are replaced by "(sensitive)". */
  before: unknown;
  after: unknown;
  /** Same shape as `after`, true where the value is only known after apply. */
  afterUnknown: unknown;
}

export interface OutputChangeSummary {
  name: string;
  action: ResourceAction;
  actions: RawAction[];
  sensitive: boolean;
  before: unknown;
  after: unknown;
  afterUnknown: unknown;
}

export interface PlanSummary {
  /** Managed resources to create. */
  add: number;
  /** Managed resources to update in place. */
  change: number;
  /** Managed resources to delete. */
  destroy: number;
  /** Managed resources to replace (counted here only, not in add or destroy). */
  replace: number;
  /** Managed resources to remove from state without destroying them (Terraform 1.7+ `removed`). */
  forget: number;
  /** Managed resources left as they are. */
  noop: number;
  /** Data sources read during apply. */
  read: number;
  resourceChanges: ResourceChangeSummary[];
  outputChanges: OutputChangeSummary[];
  /** Any managed resource or output changes. */
  hasChanges: boolean;
}

export interface SummarizePlanOptions {
  /** Secret values to mask wherever they appear in a string value of the summary. */
  secrets?: readonly string[];
}

export function normalizeActions(actions: readonly RawAction[]): ResourceAction {
  if (actions.length === 1) return actions[0]!;
  const set = new Set(actions);
  if (actions.length === 2 && set.has('create') && (set.has('delete') || set.has('forget'))) return 'replace';
  throw new Error(`Unexpected action list: ${actions.join(', ')}`);
}

/** Replaces every value marked sensitive (true in the parallel `sensitive` structure) by the placeholder. */
export function maskSensitiveValues(value: unknown, sensitive: unknown): unknown {
  if (sensitive === true) return value === null || value === undefined ? value : SENSITIVE_PLACEHOLDER;
  if (sensitive === null || sensitive === undefined || sensitive === false) return value;
  if (Array.isArray(value)) {
    return value.map((item, index) => maskSensitiveValues(item, Array.isArray(sensitive) ? sensitive[index] : undefined));
  }
  if (typeof value === 'object' && value !== null && typeof sensitive === 'object') {
    const marks = sensitive as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, maskSensitiveValues(item, marks[key])]),
    );
  }
  return value;
}

/** Applies `map` to every string inside a JSON value. */
export function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  }
  return value;
}

/**
 * Summarizes `tofu show -json` output for the UI, notifications and policies: counts per action,
 * and each resource and output change with sensitive values masked.
 */
export function summarizePlan(planJson: unknown, options: SummarizePlanOptions = {}): PlanSummary {
  const plan = parsePlanJson(planJson);
  const masker = createSecretMasker(options.secrets ?? []);
  const clean = (value: unknown, sensitive: unknown) =>
    mapStrings(maskSensitiveValues(value, sensitive), (text) => masker.maskText(text));
  const values = (change: PlanChange) => ({
    before: clean(change.before ?? null, change.before_sensitive),
    after: clean(change.after ?? null, change.after_sensitive),
    afterUnknown: change.after_unknown ?? {},
  });

  const summary: PlanSummary = {
    add: 0,
    change: 0,
    destroy: 0,
    replace: 0,
    forget: 0,
    noop: 0,
    read: 0,
    resourceChanges: [],
    outputChanges: [],
    hasChanges: false,
  };

  for (const resource of plan.resource_changes ?? []) {
    const action = normalizeActions(resource.change.actions);
    if (resource.mode === 'managed') {
      if (action === 'create') summary.add += 1;
      else if (action === 'update') summary.change += 1;
      else if (action === 'delete') summary.destroy += 1;
      else if (action === 'replace') summary.replace += 1;
      else if (action === 'forget') summary.forget += 1;
      else if (action === 'no-op') summary.noop += 1;
    }
    if (action === 'read') summary.read += 1;
    summary.resourceChanges.push({
      address: resource.address,
      type: resource.type,
      name: resource.name,
      mode: resource.mode,
      ...(resource.module_address !== undefined ? { moduleAddress: resource.module_address } : {}),
      ...(resource.index !== undefined ? { index: resource.index } : {}),
      action,
      actions: resource.change.actions,
      ...(resource.action_reason !== undefined ? { actionReason: resource.action_reason } : {}),
      ...values(resource.change),
    });
  }

  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    const sensitive = change.before_sensitive === true || change.after_sensitive === true;
    summary.outputChanges.push({
      name,
      action: normalizeActions(change.actions),
      actions: change.actions,
      sensitive,
      ...values(change),
    });
  }

  summary.hasChanges =
    summary.add + summary.change + summary.destroy + summary.replace + summary.forget > 0 ||
    summary.outputChanges.some((output) => output.action !== 'no-op');
  return summary;
}
