'use client';

import { useEffect, useState } from 'react';
import { formatExactTime, formatRelativeTime, relativeTimeRefreshMs } from '../lib/format.ts';
import { useTimeZone } from '../lib/use-time-zone.ts';

/**
 * "3m ago" with the exact time on hover (title: in the viewer's zone, with UTC beside it) and in
 * `dateTime`. Re-renders itself as the label ages. The server renders with its clock; hydration
 * may differ by a second, so that text mismatch is expected and suppressed.
 */
export function RelativeTime({ value, className }: { value: Date | string | number; className?: string }) {
  const date = value instanceof Date ? value : new Date(value);
  const time = date.getTime();
  const [now, setNow] = useState(() => Date.now());
  const timeZone = useTimeZone();
  useEffect(() => {
    if (Number.isNaN(time)) return;
    const timer = setTimeout(() => setNow(Date.now()), relativeTimeRefreshMs(time, now));
    return () => clearTimeout(timer);
  }, [time, now]);
  if (Number.isNaN(date.getTime())) return <span className={className}>—</span>;
  return (
    <time dateTime={date.toISOString()} title={formatExactTime(date, timeZone)} className={className} suppressHydrationWarning>
      {formatRelativeTime(date, now)}
    </time>
  );
}
