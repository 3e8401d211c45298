'use client';

import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { ansiStyleToCss, displayText, isPlainStyle, parseAnsiLine, type AnsiStyle } from '../lib/ansi.ts';
import { cx } from '../lib/cx.ts';
import { logFileName } from '../lib/format.ts';
import { DEFAULT_MAX_SCROLL_HEIGHT, logWindow, scrollTopForLine } from '../lib/log-window.ts';
import { highlightSegments, IncrementalSearch, lineAnchor, parseLineAnchor, type LogLines } from '../lib/run-log.ts';
import { IconArrowDown, IconChevronDown, IconChevronUp, IconDownload, IconSearch } from './icons.tsx';

// Only the lines in view (plus OVERSCAN above and below) are in the DOM, so a log of hundreds of
// thousands of lines renders and scrolls like a short one. Lines never wrap, so every row is
// ROW_HEIGHT px (leading-5) and the window is plain arithmetic (lib/log-window.ts).
const ROW_HEIGHT = 20;
const PAD_Y = 6;
const OVERSCAN = 40;
// Re-render on scroll only after moving this far: the overscan still covers the viewport.
const SCROLL_STEP_PX = (OVERSCAN / 2) * ROW_HEIGHT;
const FOLLOW_SLACK_PX = 32;
// Searching a few hundred thousand lines takes ~0.1 s: wait for a pause in typing on big logs.
const SEARCH_DEBOUNCE_LINES = 20_000;
const SEARCH_DEBOUNCE_MS = 150;
// A single enormous line (minified JSON…) is cut on screen; the download has all of it.
const MAX_LINE_CHARS = 10_000;

export interface LogViewerProps {
  lines: LogLines;
  /** The phase (run state) these lines belong to: names the log and its line anchors. */
  phase: string;
  /** Lines may still arrive: keep following the end unless the user scrolled up. */
  live: boolean;
  /** Shown in the toolbar (connection state…). */
  status?: ReactNode;
  /** Shown instead of lines when there are none. */
  empty?: ReactNode;
  /** File name of the downloaded log, without ".log" (default: the phase), e.g. "prod-vpc-run-8f3a2c1d-planning". */
  downloadName?: string;
  className?: string;
  /** Only for tests: the scroll height past which the scroll range is compressed. */
  maxScrollHeight?: number;
}

const countFormat = new Intl.NumberFormat('en-US');

export function LogViewer({ lines, phase, live, status, empty, downloadName, className, maxScrollHeight = DEFAULT_MAX_SCROLL_HEIGHT }: LogViewerProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [follow, setFollow] = useState(true);
  // `input` is what is typed, `query` what is searched (the same, later, on big logs).
  const [input, setInput] = useState('');
  const [query, setQuery] = useState('');
  const searchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [current, setCurrent] = useState(0);
  const [targetLine, setTargetLine] = useState<number | null>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 0 });
  const searchId = useId();
  const phaseName = phase.toLowerCase().replace(/_/g, ' ');

  const search = useMemo(() => new IncrementalSearch(), []);
  const matches = useMemo(() => search.matches(lines, query), [search, lines, query]);
  const currentIndex = matches.length > 0 ? Math.min(current, matches.length - 1) : -1;
  const currentMatchLine = currentIndex >= 0 ? matches[currentIndex]! : null;

  // Following the end: render the end straight away (no scroll position to read first), with
  // little overscan since new lines replace the whole window at every render while streaming.
  const pinned = follow && targetLine === null && query === '' && lines.length > 0;
  const geometry = { count: lines.length, rowHeight: ROW_HEIGHT, viewportHeight: Math.max(0, viewport.height - 2 * PAD_Y), maxScrollHeight };
  const endTop = Math.max(0, Math.min(lines.length * ROW_HEIGHT, maxScrollHeight) + 2 * PAD_Y - viewport.height);
  const win = logWindow({ ...geometry, scrollTop: (pinned ? endTop : viewport.top) - PAD_Y, overscan: pinned ? 4 : OVERSCAN });

  // Reads the scroll position into state, but only when the rendered window has to move.
  const syncViewport = useCallback((force = false) => {
    const el = scrollRef.current;
    if (!el) return;
    const top = el.scrollTop;
    const height = el.clientHeight;
    setViewport((v) => (force || Math.abs(v.top - top) >= SCROLL_STEP_PX || v.height !== height ? { top, height } : v));
  }, []);
  const compressed = win.compressed;

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    syncViewport(true);
    const observer = new ResizeObserver(() => syncViewport());
    observer.observe(el);
    return () => observer.disconnect();
  }, [syncViewport]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    setFollow(el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX);
    // Compressed, every row moves with the scroll position.
    syncViewport(compressed);
  }, [syncViewport, compressed]);

  const scrollToLine = useCallback(
    (index: number) => {
      const el = scrollRef.current;
      if (!el) return;
      el.scrollTop = PAD_Y + scrollTopForLine(index, { count: lines.length, rowHeight: ROW_HEIGHT, viewportHeight: Math.max(0, el.clientHeight - 2 * PAD_Y), maxScrollHeight });
      syncViewport(true);
    },
    [lines.length, maxScrollHeight, syncViewport],
  );

  // Keep the end in view while following (before paint). Written, not read: reading the scroll
  // height here would force a layout at every render of a streaming log.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && pinned) el.scrollTop = endTop;
  }, [pinned, endTop]);

  // A link to a line (#planning-L12) scrolls to it once it exists (it need not be rendered), and
  // stops following.
  useEffect(() => {
    const read = () => {
      const anchor = parseLineAnchor(window.location.hash);
      setTargetLine(anchor && anchor.state === phase ? anchor.n : null);
    };
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, [phase]);
  const reachedTarget = useRef<number | null>(null);
  useEffect(() => {
    if (targetLine === null) {
      reachedTarget.current = null;
      return;
    }
    if (reachedTarget.current === targetLine || targetLine > lines.length) return;
    reachedTarget.current = targetLine;
    setFollow(false);
    scrollToLine(targetLine - 1);
  }, [targetLine, lines.length, scrollToLine]);
  // hashchange does not fire when the same line link is clicked again: scroll anyway.
  const onLineLink = useCallback(
    (n: number) => {
      if (window.location.hash === `#${lineAnchor(phase, n)}`) {
        setFollow(false);
        scrollToLine(n - 1);
      }
    },
    [phase, scrollToLine],
  );

  useEffect(() => {
    if (currentMatchLine !== null) scrollToLine(currentMatchLine);
  }, [currentMatchLine, scrollToLine]);

  const step = (delta: number) => {
    if (matches.length === 0) return;
    setCurrent((c) => (Math.min(c, matches.length - 1) + delta + matches.length) % matches.length);
  };

  const latest = useRef({ lines, top: viewport.top, compressed });
  latest.current = { lines, top: viewport.top, compressed };
  const applyQuery = useCallback(
    (value: string) => {
      if (searchTimer.current !== null) clearTimeout(searchTimer.current);
      searchTimer.current = null;
      const { lines: now, top, compressed: squeezed } = latest.current;
      // Start from the first match at or below the line at the top of the view, as browsers do.
      const topLine = Math.max(0, Math.floor((top - PAD_Y) / ROW_HEIGHT));
      const found = value === '' ? [] : search.matches(now, value);
      const next = firstAtOrAfter(found, squeezed ? 0 : topLine);
      setCurrent(next === -1 ? 0 : next);
      setQuery(value);
    },
    [search],
  );
  useEffect(() => () => void (searchTimer.current !== null && clearTimeout(searchTimer.current)), []);
  const onInput = (value: string) => {
    setInput(value);
    if (value === '' || lines.length < SEARCH_DEBOUNCE_LINES) applyQuery(value);
    else {
      if (searchTimer.current !== null) clearTimeout(searchTimer.current);
      searchTimer.current = setTimeout(() => applyQuery(value), SEARCH_DEBOUNCE_MS);
    }
  };
  const pending = input !== query;

  const jumpToEnd = () => {
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    if (targetLine !== null) {
      history.replaceState(null, '', window.location.pathname + window.location.search);
      setTargetLine(null);
    }
    setFollow(true);
    syncViewport(true);
  };

  const download = () => {
    const parts: string[] = new Array(lines.length);
    for (let i = 0; i < lines.length; i++) parts[i] = lines.plain(i);
    const url = URL.createObjectURL(new Blob([parts.join('\n'), '\n'], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${logFileName(downloadName ?? phase)}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  // Ctrl/Cmd+F inside the log goes to its search box (the browser's would only see rendered lines).
  const onSectionKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f' && lines.length > 0) {
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    }
  };

  const digits = String(Math.max(lines.length, 1)).length;
  const gutterWidth = `calc(${Math.max(digits, 3)}ch + 1.25rem)`;
  const contentChars = Math.min(lines.maxLength, MAX_LINE_CHARS + 40);
  const rows: ReactNode[] = [];
  for (let i = win.first; i < win.last; i++) {
    const n = i + 1;
    rows.push(
      <LogRow
        key={i}
        n={n}
        top={PAD_Y + win.top(i)}
        raw={lines.raw(i)}
        startStyle={lines.startStyle(i)}
        phase={phase}
        query={query}
        current={currentMatchLine === i}
        target={targetLine === n}
        gutterWidth={gutterWidth}
        onLink={onLineLink}
      />,
    );
  }

  return (
    <section
      className={cx('flex min-h-0 flex-col overflow-hidden rounded-lg border border-line bg-[var(--log-bg)]', className)}
      aria-label={`${phaseName} log`}
      onKeyDown={onSectionKeyDown}
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-line bg-surface px-2 py-1.5">
        <div className="flex items-center gap-1.5">
          <label htmlFor={searchId} className="flex items-center gap-1 text-xs font-medium text-muted">
            <IconSearch size={13} />
            Search log
          </label>
          <input
            id={searchId}
            ref={searchRef}
            type="search"
            value={input}
            onChange={(e) => onInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                if (pending) applyQuery(input);
                else step(e.shiftKey ? -1 : 1);
              } else if (e.key === 'Escape' && input !== '') {
                e.preventDefault();
                onInput('');
              }
            }}
            className="h-6 w-44 rounded border border-line bg-bg px-1.5 font-mono text-xs text-fg focus:border-accent focus:outline-none focus-visible:ring-2 focus-visible:ring-accent/40"
          />
          {input ? (
            <>
              <span className="min-w-14 text-xs text-muted tabular-nums" aria-live="polite">
                {pending ? 'searching…' : matches.length === 0 ? 'no matches' : `${countFormat.format(currentIndex + 1)} of ${countFormat.format(matches.length)}`}
              </span>
              <button type="button" className="rounded p-0.5 text-muted hover:bg-subtle hover:text-fg focus-visible:outline-2 disabled:opacity-40" onClick={() => step(-1)} disabled={pending || matches.length === 0} aria-label="Previous match" title="Previous match (Shift+Enter)">
                <IconChevronUp size={14} />
              </button>
              <button type="button" className="rounded p-0.5 text-muted hover:bg-subtle hover:text-fg focus-visible:outline-2 disabled:opacity-40" onClick={() => step(1)} disabled={pending || matches.length === 0} aria-label="Next match" title="Next match (Enter)">
                <IconChevronDown size={14} />
              </button>
            </>
          ) : null}
        </div>
        <div className="ml-auto flex items-center gap-3 text-xs text-muted">
          {status}
          <span className="tabular-nums">
            {countFormat.format(lines.length)} {lines.length === 1 ? 'line' : 'lines'}
          </span>
          {lines.length > 0 ? (
            <button type="button" onClick={download} className="inline-flex items-center gap-1 rounded px-1 py-0.5 font-medium hover:bg-subtle hover:text-fg focus-visible:outline-2" title={`Download the ${phaseName} log as text`}>
              <IconDownload size={12} />
              Download
            </button>
          ) : null}
          {!follow && lines.length > 0 ? (
            <button type="button" onClick={jumpToEnd} className="inline-flex items-center gap-1 rounded bg-accent-solid px-1.5 py-0.5 font-medium text-accent-fg hover:bg-accent-hover focus-visible:outline-2 focus-visible:outline-offset-1">
              <IconArrowDown size={12} />
              {live ? 'Follow log' : 'Jump to end'}
            </button>
          ) : null}
        </div>
      </div>
      <div
        ref={scrollRef}
        onScroll={onScroll}
        role="log"
        aria-live="off"
        aria-label={`Log of ${phaseName}`}
        tabIndex={0}
        data-lines={lines.length}
        className="relative min-h-0 flex-1 overflow-auto font-mono [overflow-anchor:none] text-[12.5px] leading-5 text-[var(--log-fg)] focus:outline-none focus-visible:ring-2 focus-visible:ring-accent/60 focus-visible:ring-inset"
      >
        {lines.length === 0 ? (
          <div className="px-4 py-6 font-sans text-sm text-muted">{empty ?? 'No output yet.'}</div>
        ) : (
          <div className="relative" style={{ height: win.totalHeight + 2 * PAD_Y, minWidth: '100%', width: `calc(${contentChars}ch + ${gutterWidth} + 2rem)` }}>
            {rows}
          </div>
        )}
      </div>
    </section>
  );
}

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? lo : sorted.length > 0 ? 0 : -1;
}

interface LogRowProps {
  n: number;
  top: number;
  raw: string;
  startStyle: AnsiStyle;
  phase: string;
  query: string;
  current: boolean;
  target: boolean;
  gutterWidth: string;
  onLink: (n: number) => void;
}

// Parsed only while on screen; memo keeps rows that did not change from re-rendering on scroll.
const LogRow = memo(function LogRow({ n, top, raw, startStyle, phase, query, current, target, gutterWidth, onLink }: LogRowProps) {
  const anchor = lineAnchor(phase, n);
  const parts = useMemo(() => {
    const segments = raw.includes('\x1b') ? parseAnsiLine(raw, startStyle).segments : [{ text: displayText(raw), style: startStyle }];
    let shown = 0;
    const cut = [];
    for (const s of segments) {
      if (shown >= MAX_LINE_CHARS) break;
      const text = s.text.length + shown > MAX_LINE_CHARS ? s.text.slice(0, MAX_LINE_CHARS - shown) : s.text;
      cut.push(text === s.text ? s : { ...s, text });
      shown += s.text.length;
    }
    return { segments: query ? highlightSegments(cut, query) : cut.map((s) => ({ ...s, match: false })), hidden: Math.max(0, shown - MAX_LINE_CHARS) };
  }, [raw, startStyle, query]);
  return (
    <div
      id={anchor}
      data-line={n}
      style={{ top, height: ROW_HEIGHT }}
      className={cx(
        'group absolute right-0 left-0 flex hover:bg-white/[0.04]',
        target && 'bg-amber-400/15',
        current && 'bg-amber-400/25 outline outline-1 -outline-offset-1 outline-amber-500/60',
      )}
    >
      <a
        href={`#${anchor}`}
        aria-label={`Line ${n}`}
        // Out of the tab order: tabbing through the log would otherwise stop at every visible line.
        // The log itself is focusable (arrow keys, Page Up/Down, Home/End) and search finds lines.
        tabIndex={-1}
        onClick={() => onLink(n)}
        style={{ width: gutterWidth }}
        className="sticky left-0 shrink-0 bg-[var(--log-bg)] pr-3 text-right text-[var(--log-gutter)] tabular-nums select-none group-hover:text-[var(--log-fg)] hover:underline focus-visible:outline-2 focus-visible:-outline-offset-2"
      >
        {n}
      </a>
      <span className="pr-4 whitespace-pre">
        {parts.segments.map((part, i) => {
          const style = isPlainStyle(part.style) ? undefined : ansiStyleToCss(part.style);
          if (part.match)
            return (
              <mark key={i} className="rounded-sm bg-amber-300 text-black">
                {part.text}
              </mark>
            );
          return style ? (
            <span key={i} style={style}>
              {part.text}
            </span>
          ) : (
            <span key={i}>{part.text}</span>
          );
        })}
        {parts.segments.length === 0 ? ' ' : null}
        {parts.hidden > 0 ? <span className="font-sans text-[var(--log-gutter)] italic"> … {countFormat.format(parts.hidden)} more characters (download the log to see them)</span> : null}
      </span>
    </div>
  );
});
