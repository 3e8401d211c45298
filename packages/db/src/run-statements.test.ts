import { describe, expect, it } from 'vitest';
import { uuidv7 } from './run-statements.ts';

describe('uuidv7', () => {
  it('is a version 7 UUID carrying the time', () => {
    const id = uuidv7(Date.UTC(2026, 10, 25, 12, 0, 0, 123));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 25, 12, 0, 0, 123));
  });

  it('increases, also many times within one millisecond and when the clock goes back', () => {
    const now = Date.now() + 60_000;
    const ids = [...Array.from({ length: 5000 }, () => uuidv7(now)), uuidv7(now - 5), uuidv7(now + 1)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
