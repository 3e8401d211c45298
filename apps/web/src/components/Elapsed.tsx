'use client';

import { formatElapsed } from '@gantry/ui';
import { useEffect, useState } from 'react';

/** A duration that ticks every second from `since` (for runs still going). */
export function Elapsed({ since }: { since: Date | string }) {
  const start = (since instanceof Date ? since : new Date(since)).getTime();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span className="tabular-nums" suppressHydrationWarning>
      {formatElapsed(now - start)}
    </span>
  );
}
