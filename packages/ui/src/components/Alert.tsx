import type { ReactNode } from 'react';
import { cx } from '../lib/cx.ts';
import { IconAlert, IconCheckCircle, IconInfo } from './icons.tsx';

export type AlertTone = 'danger' | 'warning' | 'info' | 'success';

const TONES: Record<AlertTone, string> = {
  danger: 'border-red-600/30 bg-red-500/5 text-red-800 dark:text-red-200',
  warning: 'border-amber-600/30 bg-amber-400/10 text-amber-900 dark:text-amber-200',
  info: 'border-sky-600/30 bg-sky-500/5 text-sky-900 dark:text-sky-200',
  success: 'border-emerald-600/30 bg-emerald-500/5 text-emerald-900 dark:text-emerald-200',
};

const ICONS: Record<AlertTone, typeof IconAlert> = { danger: IconAlert, warning: IconAlert, info: IconInfo, success: IconCheckCircle };

/** Inline message. Errors are announced (role=alert); others are polite status. */
export function Alert({ tone = 'danger', title, children, className, action }: { tone?: AlertTone; title?: string; children?: ReactNode; className?: string; action?: ReactNode }) {
  const Icon = ICONS[tone];
  return (
    <div role={tone === 'danger' ? 'alert' : 'status'} className={cx('flex items-start gap-2.5 rounded-md border px-3 py-2 text-sm', TONES[tone], className)}>
      <Icon className="mt-0.5 shrink-0" size={15} />
      <div className="min-w-0 flex-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className={cx(title && 'mt-0.5 opacity-90')}>{children}</div> : null}
      </div>
      {action}
    </div>
  );
}
