import { describe, expect, it } from 'vitest';
import { logWindow, scrollTopForLine } from './log-window.ts';

const base = { rowHeight: 20, viewportHeight: 400, overscan: 5, maxScrollHeight: 10_000_000 };

describe('logWindow', () => {
  it('renders the lines in view plus the overscan, clamped to the log', () => {
    expect(logWindow({ ...base, count: 1000, scrollTop: 0 })).toMatchObject({ first: 0, last: 25, totalHeight: 20_000, compressed: false });
    const middle = logWindow({ ...base, count: 1000, scrollTop: 2000 });
    expect([middle.first, middle.last]).toEqual([95, 125]);
    expect(middle.top(100)).toBe(2000);
    const end = logWindow({ ...base, count: 1000, scrollTop: 1e9 });
    expect([end.first, end.last]).toEqual([975, 1000]);
  });

  it('handles an empty log and a log shorter than the viewport', () => {
    expect(logWindow({ ...base, count: 0, scrollTop: 0 })).toMatchObject({ first: 0, last: 0, totalHeight: 0 });
    expect(logWindow({ ...base, count: 3, scrollTop: 50 })).toMatchObject({ first: 0, last: 3, totalHeight: 60 });
  });

  it('compresses the scroll range of a log taller than the cap and still reaches both ends', () => {
    const count = 5_000_000; // 100 million px of lines
    const input = { ...base, count, maxScrollHeight: 1_000_000 };
    const top = logWindow({ ...input, scrollTop: 0 });
    expect(top).toMatchObject({ first: 0, totalHeight: 1_000_000, compressed: true });
    expect(top.top(0)).toBe(0);
    const maxScrollTop = 1_000_000 - 400;
    const end = logWindow({ ...input, scrollTop: maxScrollTop });
    expect(end.last).toBe(count);
    // The last line sits at the bottom of the viewport.
    expect(end.top(count - 1) + 20).toBeCloseTo(maxScrollTop + 400, 6);
    // Halfway down the scrollbar is halfway through the log, and rows are placed in view.
    const half = logWindow({ ...input, scrollTop: maxScrollTop / 2 });
    const firstVisible = half.first + 5;
    expect(firstVisible / count).toBeCloseTo(0.5, 3);
    expect(half.top(firstVisible)).toBeGreaterThan(maxScrollTop / 2 - 20);
    expect(half.top(firstVisible)).toBeLessThanOrEqual(maxScrollTop / 2);
  });
});

describe('scrollTopForLine', () => {
  it('centres the line, clamped to the scroll range', () => {
    expect(scrollTopForLine(500, { ...base, count: 1000 })).toBe(500 * 20 - 190);
    expect(scrollTopForLine(0, { ...base, count: 1000 })).toBe(0);
    expect(scrollTopForLine(999, { ...base, count: 1000 })).toBe(20_000 - 400);
  });

  it('lands on the line in a compressed log', () => {
    const input = { ...base, count: 5_000_000, maxScrollHeight: 1_000_000 };
    const scrollTop = scrollTopForLine(3_210_000, input);
    const win = logWindow({ ...input, scrollTop, overscan: 0 });
    expect(3_210_000).toBeGreaterThanOrEqual(win.first);
    expect(3_210_000).toBeLessThan(win.last);
    expect(win.top(3_210_000) - scrollTop).toBeCloseTo(190, 3);
  });
});
