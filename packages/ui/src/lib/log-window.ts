// Which log lines to render for a scroll position. Every line has the same height (no wrapping), so
// the window follows from arithmetic alone: O(1) however long the log, nothing measured.
//
// Browsers cap an element's height (about 33.5 million px in Chromium, 17.9 million in Firefox).
// Past `maxScrollHeight` the scroll range is compressed: the scrollbar covers the whole log and
// rows are placed relative to the viewport, so a log of any length stays reachable.

export interface LogWindowInput {
  count: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  /** Extra rows rendered above and below the viewport. */
  overscan: number;
  maxScrollHeight: number;
}

export interface LogWindow {
  /** First line to render (0-based). */
  first: number;
  /** One past the last line to render. */
  last: number;
  /** Height of the scrollable content. */
  totalHeight: number;
  /** Top of line `index` within the content, valid for the rendered lines. */
  top: (index: number) => number;
  /** Whether the scroll range is compressed (rows then move with every scroll). */
  compressed: boolean;
}

export const DEFAULT_MAX_SCROLL_HEIGHT = 10_000_000;

function geometry(count: number, rowHeight: number, viewportHeight: number, maxScrollHeight: number) {
  const contentHeight = count * rowHeight;
  const totalHeight = Math.min(contentHeight, maxScrollHeight);
  const maxScrollTop = Math.max(0, totalHeight - viewportHeight);
  const maxVirtualTop = Math.max(0, contentHeight - viewportHeight);
  // Virtual pixels per real scroll pixel: 1 unless the log is taller than the cap.
  const ratio = contentHeight > maxScrollHeight && maxScrollTop > 0 ? maxVirtualTop / maxScrollTop : 1;
  return { totalHeight, maxScrollTop, maxVirtualTop, ratio };
}

export function logWindow({ count, rowHeight, scrollTop, viewportHeight, overscan, maxScrollHeight }: LogWindowInput): LogWindow {
  const { totalHeight, maxScrollTop, ratio } = geometry(count, rowHeight, viewportHeight, maxScrollHeight);
  const clamped = Math.min(Math.max(0, scrollTop), maxScrollTop);
  const virtualTop = clamped * ratio;
  const shift = virtualTop - clamped;
  const first = Math.max(0, Math.floor(virtualTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((virtualTop + viewportHeight) / rowHeight) + overscan);
  return { first, last: Math.max(first, last), totalHeight, top: (index) => index * rowHeight - shift, compressed: ratio !== 1 };
}

/** The scrollTop that shows line `index` in the middle of the viewport (clamped to the scroll range). */
export function scrollTopForLine(index: number, { count, rowHeight, viewportHeight, maxScrollHeight }: Omit<LogWindowInput, 'scrollTop' | 'overscan'>): number {
  const { maxVirtualTop, ratio } = geometry(count, rowHeight, viewportHeight, maxScrollHeight);
  const virtual = Math.min(Math.max(0, index * rowHeight - (viewportHeight - rowHeight) / 2), maxVirtualTop);
  return virtual / ratio;
}
