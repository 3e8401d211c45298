'use client';

import { useEffect, useState } from 'react';
import { cx } from '../lib/cx.ts';
import { formatClockTime, formatDuration, formatElapsed, formatExactTime } from '../lib/format.ts';
import { stateTone, type StateTone } from '../lib/run-state.ts';
import { buildTimeline, type TransitionInput } from '../lib/timeline.ts';
import { useTimeZone } from '../lib/use-time-zone.ts';

const DOT: Record<StateTone, string> = {
  neutral: 'border-zinc-400 bg-zinc-400',
  active: 'border-sky-500 bg-sky-500',
  attention: 'border-amber-500 bg-amber-500',
  success: 'border-emerald-500 bg-emerald-500',
  danger: 'border-red-500 bg-red-500',
  muted: 'border-zinc-400 bg-zinc-400',
};

/**
 * Vertical timeline of run states with start time and duration; the current state ticks and pulses.
 * States that have a log are buttons selecting that log (`onSelect`), with `selected` highlighted.
 */
export function RunTimeline({
  transitions,
  selected,
  hasLog,
  onSelect,
}: {
  transitions: readonly TransitionInput[];
  selected?: string | null;
  hasLog?: (state: string) => boolean;
  onSelect?: (state: string) => void;
}) {
  const [now, setNow] = useState(() => Date.now());
  const timeZone = useTimeZone();
  const entries = buildTimeline(transitions, now);
  const running = entries.some((e) => e.current);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);

  return (
    <ol className="relative space-y-0.5" aria-label="Run states">
      {entries.map((entry, i) => {
        const tone = stateTone(entry.state);
        const selectable = Boolean(onSelect && hasLog?.(entry.state));
        const isSelected = selectable && selected === entry.state;
        const body = (
          <>
            <span className="relative mt-1.5 flex size-2.5 shrink-0 items-center justify-center" aria-hidden="true">
              {entry.current ? <span className={cx('absolute size-full animate-ping rounded-full opacity-60', DOT[tone])} /> : null}
              <span className={cx('relative size-2.5 rounded-full border-2', entry.current || i === entries.length - 1 ? DOT[tone] : 'border-zinc-400 bg-transparent')} />
            </span>
            <span className="min-w-0 flex-1">
              <span className="flex items-baseline justify-between gap-2">
                <span className={cx('text-xs font-semibold tracking-wide uppercase', entry.current ? 'text-fg' : 'text-fg/80')}>
                  {entry.state.replace(/_/g, ' ')}
                  {entry.current ? <span className="sr-only"> (current)</span> : null}
                </span>
                {/* The current state's duration ticks: the server rendered it a moment before the browser hydrates. */}
                <span className="text-xs text-muted tabular-nums" suppressHydrationWarning={entry.current}>
                  {entry.durationMs === null ? '' : entry.current ? formatElapsed(entry.durationMs) : formatDuration(entry.durationMs)}
                </span>
              </span>
              <span className="block text-[11px] text-muted">
                <time dateTime={entry.startedAt.toISOString()} title={formatExactTime(entry.startedAt, timeZone)}>
                  {formatClockTime(entry.startedAt, timeZone)}
                </time>
                {entry.actorName ? <> · {entry.actorName}</> : null}
              </span>
              {entry.reason ? <span className="mt-0.5 block text-[11px] text-muted">{entry.reason}</span> : null}
            </span>
          </>
        );
        return (
          <li key={`${entry.state}-${i}`} className="relative">
            {i < entries.length - 1 ? <span className="absolute top-4 bottom-[-6px] left-[13px] w-px bg-line" aria-hidden="true" /> : null}
            {selectable ? (
              <button
                type="button"
                onClick={() => onSelect?.(entry.state)}
                aria-pressed={isSelected}
                className={cx('flex w-full gap-2.5 rounded-md px-2 py-1.5 text-left hover:bg-subtle', isSelected && 'bg-subtle ring-1 ring-line')}
                title={`Show the ${entry.state.toLowerCase().replace(/_/g, ' ')} log`}
              >
                {body}
              </button>
            ) : (
              <div className="flex gap-2.5 px-2 py-1.5">{body}</div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
