import { cx } from '../lib/cx.ts';
import { hasNoChanges, planSummaryParts, type ChangeKind, type PlanSummaryCounts as Summary } from '../lib/plan.ts';

const KIND_CLASSES: Record<ChangeKind, string> = {
  add: 'text-emerald-700 dark:text-emerald-400',
  change: 'text-amber-700 dark:text-amber-400',
  destroy: 'text-red-700 dark:text-red-400',
  replace: 'text-violet-700 dark:text-violet-400',
};

/** "+2 to add  ~1 to change  −0 to destroy  0 to replace", zero counts dimmed. */
export function PlanSummary({ summary, className }: { summary: Summary; className?: string }) {
  if (hasNoChanges(summary)) {
    return (
      <p className={cx('text-sm font-medium text-muted', className)} aria-label="Plan summary">
        No changes. Infrastructure matches the configuration.
      </p>
    );
  }
  return (
    <ul className={cx('flex flex-wrap items-center gap-x-4 gap-y-1 text-sm font-semibold tabular-nums', className)} aria-label="Plan summary">
      {planSummaryParts(summary).map((part) => (
        <li key={part.kind} className={part.count === 0 ? 'font-normal text-muted' : KIND_CLASSES[part.kind]}>
          {part.text}
        </li>
      ))}
    </ul>
  );
}
