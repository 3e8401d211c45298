// Plan summary and resource changes as users of Spacelift/TFC read them.

export interface PlanSummaryCounts {
  add: number;
  change: number;
  destroy: number;
  replace: number;
}

export type ChangeKind = 'add' | 'change' | 'destroy' | 'replace';

export interface SummaryPart {
  kind: ChangeKind;
  count: number;
  /** "+2 to add", "~1 to change", "−3 to destroy", "1 to replace" (the minus is U+2212). */
  text: string;
}

export function planSummaryParts(summary: PlanSummaryCounts): SummaryPart[] {
  return [
    { kind: 'add', count: summary.add, text: `+${summary.add} to add` },
    { kind: 'change', count: summary.change, text: `~${summary.change} to change` },
    { kind: 'destroy', count: summary.destroy, text: `\u2212${summary.destroy} to destroy` },
    { kind: 'replace', count: summary.replace, text: `${summary.replace} to replace` },
  ];
}

export function hasNoChanges(summary: PlanSummaryCounts): boolean {
  return summary.add === 0 && summary.change === 0 && summary.destroy === 0 && summary.replace === 0;
}

/** One line for lists and titles: "+2 ~1 −0 ⇄0" is cryptic, so spell it out, skipping zeros. */
export function formatPlanSummary(summary: PlanSummaryCounts): string {
  if (hasNoChanges(summary)) return 'No changes';
  return planSummaryParts(summary)
    .filter((p) => p.count > 0)
    .map((p) => p.text)
    .join(', ');
}

export type ResourceAction = 'create' | 'update' | 'delete' | 'replace' | 'read' | 'no-op';

/** Plan JSON `actions` → one action. ["delete","create"] and ["create","delete"] are replacements. */
export function resourceAction(actions: readonly string[]): ResourceAction {
  if (actions.includes('create') && actions.includes('delete')) return 'replace';
  const [first] = actions;
  if (first === 'create' || first === 'update' || first === 'delete' || first === 'read') return first;
  return 'no-op';
}

export const RESOURCE_ACTION_LABEL: Record<ResourceAction, string> = {
  create: 'create',
  update: 'update',
  delete: 'destroy',
  replace: 'replace',
  read: 'read',
  'no-op': 'no change',
};

export const RESOURCE_ACTION_SYMBOL: Record<ResourceAction, string> = {
  create: '+',
  update: '~',
  delete: '\u2212',
  replace: '\u00b1',
  read: '\u2264',
  'no-op': ' ',
};

/** What a value cell shows. Sensitive and unknown values are never rendered. */
export type DisplayValue =
  | { kind: 'value'; text: string }
  | { kind: 'absent' }
  | { kind: 'sensitive' }
  | { kind: 'unknown' };

export interface AttributeChange {
  path: string;
  before: DisplayValue;
  after: DisplayValue;
  changed: boolean;
}

/**
 * Optional masks as in plan JSON (`before_sensitive`, `after_sensitive`, `after_unknown`): `true`
 * for a whole value, or objects/arrays of booleans mirroring the value's shape.
 */
export interface ResourceChangeInput {
  address: string;
  actions: readonly string[];
  before: unknown;
  after: unknown;
  beforeSensitive?: unknown;
  afterSensitive?: unknown;
  afterUnknown?: unknown;
}

// The API masks sensitive values before they leave the server; these are the markers it may use.
const SENSITIVE_MARKERS = new Set(['(sensitive)', '(sensitive value)', '<sensitive>', '***']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function child(mask: unknown, key: string | number): unknown {
  if (mask === true) return true;
  if (Array.isArray(mask) && typeof key === 'number') return mask[key];
  if (isPlainObject(mask)) return mask[String(key)];
  return undefined;
}

function display(value: unknown, present: boolean, sensitive: unknown, unknown: unknown): DisplayValue {
  if (unknown === true) return { kind: 'unknown' };
  if (sensitive === true) return { kind: 'sensitive' };
  if (!present || value === undefined) return { kind: 'absent' };
  if (typeof value === 'string' && SENSITIVE_MARKERS.has(value)) return { kind: 'sensitive' };
  if (value === null) return { kind: 'value', text: 'null' };
  return { kind: 'value', text: JSON.stringify(value) };
}

function sameDisplay(a: DisplayValue, b: DisplayValue): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'value' || a.text === (b as { text: string }).text;
}

/**
 * Flattens before/after into one row per leaf attribute (`tags.env`, `ingress[0].port`), marking
 * which changed. Empty objects/arrays are leaves. Rows are sorted by path.
 */
export function attributeChanges(change: ResourceChangeInput): AttributeChange[] {
  const rows: AttributeChange[] = [];
  const walk = (
    path: string,
    before: unknown,
    beforePresent: boolean,
    after: unknown,
    afterPresent: boolean,
    beforeSensitive: unknown,
    afterSensitive: unknown,
    afterUnknown: unknown,
  ) => {
    const beforeNode = beforePresent && beforeSensitive !== true && isNonEmptyContainer(before);
    const afterNode = afterPresent && afterSensitive !== true && afterUnknown !== true && isNonEmptyContainer(after);
    // Descend when at least one side is a non-empty container and the other is absent or the same
    // kind of container; otherwise compare whole values (e.g. a string that became a list).
    const compatible =
      (beforeNode && (afterNode ? Array.isArray(before) === Array.isArray(after) : !afterPresent)) ||
      (afterNode && !beforePresent);
    if (compatible) {
      // Plan JSON leaves unknown attributes out of `after`; they only appear in `after_unknown`.
      const keys = new Set<string | number>([
        ...containerKeys(beforeNode ? before : undefined),
        ...containerKeys(afterNode ? after : undefined),
        ...(afterNode || !afterPresent ? containerKeys(afterUnknown).filter((k) => get(afterUnknown, k) === true) : []),
      ]);
      for (const key of keys) {
        const childPath = typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;
        walk(
          childPath,
          get(before, key),
          has(before, key),
          get(after, key),
          has(after, key),
          child(beforeSensitive, key),
          child(afterSensitive, key),
          child(afterUnknown, key),
        );
      }
      return;
    }
    const b = display(before, beforePresent, beforeSensitive, undefined);
    const a = display(after, afterPresent, afterSensitive, afterUnknown);
    rows.push({ path: path || '(value)', before: b, after: a, changed: a.kind === 'unknown' || !sameDisplay(a, b) });
  };
  walk(
    '',
    change.before,
    change.before !== null && change.before !== undefined,
    change.after,
    change.after !== null && change.after !== undefined,
    change.beforeSensitive,
    change.afterSensitive,
    change.afterUnknown,
  );
  return rows.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

function isNonEmptyContainer(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return false;
}

function containerKeys(v: unknown): (string | number)[] {
  if (Array.isArray(v)) return v.map((_, i) => i);
  if (isPlainObject(v)) return Object.keys(v);
  return [];
}

function get(v: unknown, key: string | number): unknown {
  if (Array.isArray(v) && typeof key === 'number') return v[key];
  if (isPlainObject(v)) return v[String(key)];
  return undefined;
}

function has(v: unknown, key: string | number): boolean {
  if (Array.isArray(v) && typeof key === 'number') return key < v.length;
  if (isPlainObject(v)) return Object.prototype.hasOwnProperty.call(v, String(key));
  return false;
}
