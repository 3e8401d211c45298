'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};
const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const serverTimeZone = () => 'UTC';

/**
 * The viewer's time zone. The server renders in UTC (it does not know the viewer's zone); React
 * renders again with the browser's zone right after hydration, so no markup mismatches.
 */
export function useTimeZone(): string {
  return useSyncExternalStore(subscribe, browserTimeZone, serverTimeZone);
}
