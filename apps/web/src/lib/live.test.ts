import { describe, expect, it } from 'vitest';
import { ACTIVE_REFRESH_MS, IDLE_REFRESH_MS, listRefreshInterval, STREAMING_ACTIVE_REFRESH_MS, STREAMING_IDLE_REFRESH_MS } from './live.ts';

describe('listRefreshInterval', () => {
  it('polls fast while any run is not finished and no stream pushes changes', () => {
    expect(listRefreshInterval(['FINISHED', 'PLANNING'])).toBe(ACTIVE_REFRESH_MS);
    expect(listRefreshInterval(['UNCONFIRMED'])).toBe(ACTIVE_REFRESH_MS);
  });

  it('polls slowly when everything is at rest or never ran', () => {
    expect(listRefreshInterval(['FINISHED', 'FAILED', null, undefined])).toBe(IDLE_REFRESH_MS);
    expect(listRefreshInterval([])).toBe(IDLE_REFRESH_MS);
  });

  it('only keeps a slow safety net while the event stream is connected', () => {
    expect(listRefreshInterval(['PLANNING'], true)).toBe(STREAMING_ACTIVE_REFRESH_MS);
    expect(listRefreshInterval(['FINISHED'], true)).toBe(STREAMING_IDLE_REFRESH_MS);
  });
});
