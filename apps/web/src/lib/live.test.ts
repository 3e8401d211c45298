import { describe, expect, it } from 'vitest';
import { ACTIVE_REFRESH_MS, IDLE_REFRESH_MS, listRefreshInterval } from './live.ts';

describe('listRefreshInterval', () => {
  it('polls fast while any run is not finished', () => {
    expect(listRefreshInterval(['FINISHED', 'PLANNING'])).toBe(ACTIVE_REFRESH_MS);
    expect(listRefreshInterval(['UNCONFIRMED'])).toBe(ACTIVE_REFRESH_MS);
  });

  it('polls slowly when everything is at rest or never ran', () => {
    expect(listRefreshInterval(['FINISHED', 'FAILED', null, undefined])).toBe(IDLE_REFRESH_MS);
    expect(listRefreshInterval([])).toBe(IDLE_REFRESH_MS);
  });
});
