import type { ReactNode } from 'react';
import { cx } from '../lib/cx.ts';

export type BadgeTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'muted' | 'accent';

export const TONE_CLASSES: Record<BadgeTone, string> = {
  neutral: 'bg-zinc-500/10 text-zinc-700 ring-zinc-500/25 dark:text-zinc-300',
  muted: 'bg-zinc-500/5 text-zinc-500 ring-zinc-500/20 dark:text-zinc-400',
  info: 'bg-sky-500/10 text-sky-700 ring-sky-600/25 dark:text-sky-300',
  accent: 'bg-indigo-500/10 text-indigo-700 ring-indigo-600/25 dark:text-indigo-300',
  success: 'bg-emerald-500/10 text-emerald-700 ring-emerald-600/25 dark:text-emerald-300',
  warning: 'bg-amber-400/15 text-amber-800 ring-amber-600/30 dark:text-amber-300',
  danger: 'bg-red-500/10 text-red-700 ring-red-600/25 dark:text-red-300',
};

export function Badge({ tone = 'neutral', className, children, title }: { tone?: BadgeTone; className?: string; children: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={cx('inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset', TONE_CLASSES[tone], className)}
    >
      {children}
    </span>
  );
}

/** A label chip ("env:prod"). */
export function LabelChip({ children, onClick, pressed }: { children: string; onClick?: () => void; pressed?: boolean }) {
  const classes = cx(
    'inline-flex items-center rounded border px-1.5 py-px font-mono text-[11px] leading-4 whitespace-nowrap',
    pressed ? 'border-accent bg-accent/10 text-accent' : 'border-line bg-subtle text-muted',
  );
  if (!onClick) return <span className={classes}>{children}</span>;
  return (
    <button type="button" className={cx(classes, 'hover:border-accent hover:text-fg')} onClick={onClick} aria-pressed={pressed} title={`Filter by label ${children}`}>
      {children}
    </button>
  );
}
