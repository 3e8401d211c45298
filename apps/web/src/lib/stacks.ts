// Pure helpers for the stacks list and the stack form.

export interface StackRow {
  id: string;
  name: string;
  description: string | null;
  labels: string[];
  branch: string;
  lastRun: { id: string; state: string; createdAt: Date | string; commitSha: string | null } | null;
}

export type StackSortKey = 'name' | 'state' | 'lastRun' | 'branch';
export type SortDirection = 'asc' | 'desc';

/** Case-insensitive match on name, description, branch and labels; every selected label must be present. */
export function filterStacks<T extends StackRow>(stacks: readonly T[], query: string, labels: readonly string[]): T[] {
  const q = query.trim().toLowerCase();
  return stacks.filter((stack) => {
    if (labels.some((label) => !stack.labels.includes(label))) return false;
    if (!q) return true;
    return (
      stack.name.toLowerCase().includes(q) ||
      (stack.description ?? '').toLowerCase().includes(q) ||
      stack.branch.toLowerCase().includes(q) ||
      stack.labels.some((l) => l.toLowerCase().includes(q))
    );
  });
}

// Needing attention sorts first, then working, then the rest; stacks that never ran last.
const STATE_RANK: Record<string, number> = {
  FAILED: 0,
  UNCONFIRMED: 1,
  PENDING_REVIEW: 1,
  APPLYING: 2,
  PLANNING: 2,
  INITIALIZING: 2,
  PREPARING: 2,
  PREPARING_APPLY: 2,
  CONFIRMED: 2,
  PERFORMING: 2,
  READY: 3,
  QUEUED: 3,
  FINISHED: 4,
  STOPPED: 5,
  DISCARDED: 5,
  CANCELED: 5,
  SKIPPED: 5,
};

function time(value: Date | string | undefined): number {
  if (value === undefined) return Number.NEGATIVE_INFINITY;
  const t = (value instanceof Date ? value : new Date(value)).getTime();
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

export function sortStacks<T extends StackRow>(stacks: readonly T[], key: StackSortKey, direction: SortDirection): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  const byName = (a: T, b: T) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });
  const compare = (a: T, b: T): number => {
    switch (key) {
      case 'name':
        return sign * byName(a, b);
      case 'branch':
        return sign * a.branch.localeCompare(b.branch) || byName(a, b);
      case 'state': {
        const ra = a.lastRun ? (STATE_RANK[a.lastRun.state] ?? 6) : 7;
        const rb = b.lastRun ? (STATE_RANK[b.lastRun.state] ?? 6) : 7;
        return sign * (ra - rb) || byName(a, b);
      }
      case 'lastRun':
        return sign * (time(a.lastRun?.createdAt) - time(b.lastRun?.createdAt)) || byName(a, b);
    }
  };
  return [...stacks].sort(compare);
}

/** Every label in use, sorted, for the filter. */
export function allLabels(stacks: readonly StackRow[]): string[] {
  return [...new Set(stacks.flatMap((s) => s.labels))].sort((a, b) => a.localeCompare(b));
}

/** "env:prod, team:infra  web" → ["env:prod", "team:infra", "web"]: commas or whitespace separate; duplicates dropped. */
export function parseLabels(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).map((l) => l.trim()).filter(Boolean))];
}
