'use client';

import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ansiStyleToCss, isPlainStyle } from '../lib/ansi.ts';
import { cx } from '../lib/cx.ts';
import { findMatches, highlightSegments, lineAnchor, parseLineAnchor, type LogLine } from '../lib/run-log.ts';
import { IconArrowDown, IconChevronDown, IconChevronUp, IconSearch } from './icons.tsx';

// Lines are rendered in blocks of BLOCK lines; a finished block never re-renders while new lines
// stream into the last one, and `content-visibility: auto` lets the browser skip off-screen blocks.
const BLOCK = 200;
const FOLLOW_SLACK_PX = 32;

export interface LogViewerProps {
  lines: readonly LogLine[];
  /** The phase (run state) these lines belong to: names the log and its line anchors. */
  phase: string;
  /** Lines may still arrive: keep following the end unless the user scrolled up. */
  live: boolean;
  /** Shown in the toolbar (connection state, line count…). */
  status?: ReactNode;
  /** Shown instead of lines when there are none. */
  empty?: ReactNode;
  className?: string;
}

export function LogViewer({ lines, phase, live, status, empty, className }: LogViewerProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [current, setCurrent] = useState(0);
  const [targetLine, setTargetLine] = useState<number | null>(null);
  const searchId = useId();

  const matches = useMemo(() => findMatches(lines, query), [lines, query]);
  const currentMatchLine = matches.length > 0 ? matches[Math.min(current, matches.length - 1)]! : null;

  const blocks = useMemo(() => {
    const out: LogLine[][] = [];
    for (let i = 0; i < lines.length; i += BLOCK) out.push(lines.slice(i, i + BLOCK) as LogLine[]);
    return out;
  }, [lines]);

  // Keep the end in view while following.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && follow && targetLine === null && query === '') el.scrollTop = el.scrollHeight;
  }, [lines, follow, targetLine, query]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK_PX;
    setFollow(atBottom);
  }, []);

  const scrollToLine = useCallback((index: number) => {
    const el = scrollRef.current;
    const row = el?.querySelector<HTMLElement>(`[data-line="${index + 1}"]`);
    if (!el || !row) return false;
    el.scrollTop = row.offsetTop - el.clientHeight / 3;
    return true;
  }, []);

  // A link to a line (#planning-L12) scrolls to it once it exists, and stops following.
  useEffect(() => {
    const read = () => {
      const anchor = parseLineAnchor(window.location.hash);
      setTargetLine(anchor && anchor.state === phase ? anchor.n : null);
    };
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, [phase]);
  useEffect(() => {
    if (targetLine !== null && targetLine <= lines.length && scrollToLine(targetLine - 1)) setFollow(false);
  }, [targetLine, lines.length, scrollToLine]);

  useEffect(() => {
    if (currentMatchLine !== null) scrollToLine(currentMatchLine);
  }, [currentMatchLine, scrollToLine]);

  const step = (delta: number) => {
    if (matches.length === 0) return;
    setCurrent((c) => (Math.min(c, matches.length - 1) + delta + matches.length) % matches.length);
  };

  const jumpToEnd = () => {
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    if (targetLine !== null) {
      history.replaceState(null, '', window.location.pathname + window.location.search);
      setTargetLine(null);
    }
    setFollow(true);
  };

  return (
    <section className={cx('flex min-h-0 flex-col overflow-hidden rounded-lg border border-line bg-[var(--log-bg)]', className)} aria-label={`${phase.toLowerCase().replace(/_/g, ' ')} log`}>
      <div className="flex flex-wrap items-center gap-2 border-b border-line bg-surface px-2 py-1.5">
        <div className="flex items-center gap-1.5">
          <label htmlFor={searchId} className="flex items-center gap-1 text-xs font-medium text-muted">
            <IconSearch size={13} />
            Search log
          </label>
          <input
            id={searchId}
            type="search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setCurrent(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                step(e.shiftKey ? -1 : 1);
              }
            }}
            className="h-6 w-44 rounded border border-line bg-bg px-1.5 font-mono text-xs text-fg focus:border-accent focus:outline-none"
          />
          {query ? (
            <>
              <span className="min-w-14 text-xs text-muted tabular-nums" aria-live="polite">
                {matches.length === 0 ? 'no matches' : `${Math.min(current, matches.length - 1) + 1} of ${matches.length}`}
              </span>
              <button type="button" className="rounded p-0.5 text-muted hover:bg-subtle hover:text-fg disabled:opacity-40" onClick={() => step(-1)} disabled={matches.length === 0} aria-label="Previous match">
                <IconChevronUp size={14} />
              </button>
              <button type="button" className="rounded p-0.5 text-muted hover:bg-subtle hover:text-fg disabled:opacity-40" onClick={() => step(1)} disabled={matches.length === 0} aria-label="Next match">
                <IconChevronDown size={14} />
              </button>
            </>
          ) : null}
        </div>
        <div className="ml-auto flex items-center gap-3 text-xs text-muted">
          {status}
          <span className="tabular-nums">{lines.length} {lines.length === 1 ? 'line' : 'lines'}</span>
          {live && !follow ? (
            <button type="button" onClick={jumpToEnd} className="inline-flex items-center gap-1 rounded bg-accent px-1.5 py-0.5 font-medium text-accent-fg hover:bg-accent-hover">
              <IconArrowDown size={12} />
              Follow log
            </button>
          ) : null}
        </div>
      </div>
      <div
        ref={scrollRef}
        onScroll={onScroll}
        role="log"
        aria-live="off"
        aria-label={`Log of ${phase.toLowerCase().replace(/_/g, ' ')}`}
        tabIndex={0}
        className="relative min-h-0 flex-1 overflow-auto py-1.5 font-mono text-[12.5px] leading-5 text-[var(--log-fg)] focus:outline-none"
      >
        {lines.length === 0 ? (
          <div className="px-4 py-6 font-sans text-sm text-muted">{empty ?? 'No output yet.'}</div>
        ) : (
          blocks.map((block, i) => (
            <LogBlock
              key={i}
              lines={block}
              phase={phase}
              query={query}
              currentLine={currentMatchLine !== null && currentMatchLine >= i * BLOCK && currentMatchLine < (i + 1) * BLOCK ? currentMatchLine + 1 : null}
              targetLine={targetLine}
            />
          ))
        )}
      </div>
    </section>
  );
}

interface LogBlockProps {
  lines: LogLine[];
  phase: string;
  query: string;
  currentLine: number | null;
  targetLine: number | null;
}

const LogBlock = memo(
  function LogBlock({ lines, phase, query, currentLine, targetLine }: LogBlockProps) {
    return (
      <div className="[content-visibility:auto]" style={{ containIntrinsicSize: `auto ${lines.length * 20}px` }}>
        {lines.map((line) => (
          <LogRow key={line.n} line={line} phase={phase} query={query} current={currentLine === line.n} target={targetLine === line.n} />
        ))}
      </div>
    );
  },
  // Blocks hold the same LogLine objects until a line changes, so comparing the ends is enough.
  (a, b) =>
    a.lines.length === b.lines.length &&
    a.lines[0] === b.lines[0] &&
    a.lines[a.lines.length - 1] === b.lines[b.lines.length - 1] &&
    a.phase === b.phase &&
    a.query === b.query &&
    a.currentLine === b.currentLine &&
    a.targetLine === b.targetLine,
);

function LogRow({ line, phase, query, current, target }: { line: LogLine; phase: string; query: string; current: boolean; target: boolean }) {
  const anchor = lineAnchor(phase, line.n);
  const parts = query ? highlightSegments(line.segments, query) : line.segments.map((s) => ({ ...s, match: false }));
  return (
    <div
      id={anchor}
      data-line={line.n}
      className={cx(
        'group flex min-w-max hover:bg-white/[0.04]',
        target && 'bg-amber-400/15',
        current && 'bg-amber-400/25 outline outline-1 -outline-offset-1 outline-amber-500/60',
      )}
    >
      <a
        href={`#${anchor}`}
        aria-label={`Line ${line.n}`}
        className="sticky left-0 w-12 shrink-0 bg-[var(--log-bg)] pr-3 text-right text-[var(--log-gutter)] tabular-nums select-none group-hover:text-[var(--log-fg)] hover:underline"
      >
        {line.n}
      </a>
      <span className="pr-4 whitespace-pre">
        {parts.map((part, i) => {
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
        {line.plain === '' ? ' ' : null}
      </span>
    </div>
  );
}
