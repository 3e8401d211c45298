import type { ReactNode } from 'react';
import { cx } from '../lib/cx.ts';

/** Empty states teach: say what this place is for and offer the action that fills it. */
export function EmptyState({ icon, title, children, action, className }: { icon?: ReactNode; title: string; children?: ReactNode; action?: ReactNode; className?: string }) {
  return (
    <div className={cx('flex flex-col items-center rounded-lg border border-dashed border-line px-6 py-12 text-center', className)}>
      {icon ? <div className="mb-3 rounded-full bg-subtle p-3 text-muted">{icon}</div> : null}
      <h2 className="text-sm font-semibold text-fg">{title}</h2>
      {children ? <div className="mt-1.5 max-w-md text-sm text-muted">{children}</div> : null}
      {action ? <div className="mt-5">{action}</div> : null}
    </div>
  );
}
