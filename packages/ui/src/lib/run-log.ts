import { type AnsiSegment, type AnsiStyle, parseAnsiLine, PLAIN_STYLE } from './ansi.ts';

// A run's log arrives as ONE sequence of chunks (seq 0,1,2,…), each tagged with the run state it
// was produced in. Chunks may repeat (reconnects, subscribe-then-read) and, rarely, arrive out of
// order; lines may span chunks. RunLog turns that into per-phase lines with parsed ANSI styles,
// doing work proportional to the new text only, so a streaming log stays cheap to update.

export interface LogChunk {
  seq: number;
  state: string;
  text: string;
}

export interface LogLine {
  /** 1-based line number within its phase. */
  n: number;
  segments: AnsiSegment[];
  /** The text without escape sequences, for search and copy. */
  plain: string;
}

class PhaseLog {
  readonly chunks: LogChunk[] = [];
  private complete: LogLine[] = [];
  private partial = '';
  private style: AnsiStyle = PLAIN_STYLE;
  private snapshot: LogLine[] | null = null;

  add(chunk: LogChunk): void {
    const last = this.chunks[this.chunks.length - 1];
    if (!last || last.seq < chunk.seq) {
      this.chunks.push(chunk);
      this.feed(chunk.text);
    } else {
      // Out of order: insert in place and rebuild this phase (rare, and phases are bounded).
      const at = this.chunks.findIndex((c) => c.seq > chunk.seq);
      this.chunks.splice(at, 0, chunk);
      this.complete = [];
      this.partial = '';
      this.style = PLAIN_STYLE;
      for (const c of this.chunks) this.feed(c.text);
    }
    this.snapshot = null;
  }

  private feed(text: string): void {
    const pieces = (this.partial + text).split('\n');
    this.partial = pieces.pop() ?? '';
    for (const piece of pieces) this.complete.push(this.parse(piece, true));
  }

  private parse(raw: string, commit: boolean): LogLine {
    const { segments, endStyle } = parseAnsiLine(raw, this.style);
    if (commit) this.style = endStyle;
    return { n: this.complete.length + 1, segments, plain: segments.map((s) => s.text).join('') };
  }

  /** Lines so far, the unterminated last line included. Same array until the phase changes. */
  lines(): LogLine[] {
    if (!this.snapshot) {
      this.snapshot = this.partial === '' ? this.complete.slice() : [...this.complete, this.parse(this.partial, false)];
    }
    return this.snapshot;
  }
}

export class RunLog {
  private readonly seen = new Set<number>();
  private readonly phases = new Map<string, PhaseLog>();
  private maxSeq = -1;
  /** Bumped on every accepted chunk: a cheap change signal for React. */
  version = 0;

  /** Adds a chunk; returns false when it was already seen (duplicates are ignored). */
  append(chunk: LogChunk): boolean {
    if (!Number.isInteger(chunk.seq) || chunk.seq < 0 || this.seen.has(chunk.seq)) return false;
    this.seen.add(chunk.seq);
    this.maxSeq = Math.max(this.maxSeq, chunk.seq);
    let phase = this.phases.get(chunk.state);
    if (!phase) {
      phase = new PhaseLog();
      this.phases.set(chunk.state, phase);
    }
    phase.add(chunk);
    this.version++;
    return true;
  }

  /** Highest seq received (-1 when none): what to resume from. */
  get lastSeq(): number {
    return this.maxSeq;
  }

  /** Phases that have output, in the order their first chunk was produced. */
  phaseNames(): string[] {
    return [...this.phases.entries()]
      .sort((a, b) => (a[1].chunks[0]?.seq ?? 0) - (b[1].chunks[0]?.seq ?? 0))
      .map(([name]) => name);
  }

  lines(state: string): LogLine[] {
    return this.phases.get(state)?.lines() ?? EMPTY;
  }

  lineCount(state: string): number {
    return this.lines(state).length;
  }
}

const EMPTY: LogLine[] = [];

/** Indexes of lines containing `query` (case-insensitive). An empty query matches nothing. */
export function findMatches(lines: readonly LogLine[], query: string): number[] {
  const q = query.toLowerCase();
  if (q === '') return [];
  const out: number[] = [];
  lines.forEach((line, i) => {
    if (line.plain.toLowerCase().includes(q)) out.push(i);
  });
  return out;
}

export interface HighlightedSegment extends AnsiSegment {
  match: boolean;
}

/** Splits styled segments so every case-insensitive occurrence of `query` is its own `match` piece. */
export function highlightSegments(segments: readonly AnsiSegment[], query: string): HighlightedSegment[] {
  if (query === '') return segments.map((s) => ({ ...s, match: false }));
  const plain = segments.map((s) => s.text).join('');
  const lower = plain.toLowerCase();
  const q = query.toLowerCase();
  const ranges: [number, number][] = [];
  for (let i = lower.indexOf(q); i !== -1; i = lower.indexOf(q, i + q.length)) ranges.push([i, i + q.length]);
  if (ranges.length === 0) return segments.map((s) => ({ ...s, match: false }));

  const out: HighlightedSegment[] = [];
  let offset = 0;
  for (const seg of segments) {
    const start = offset;
    const end = offset + seg.text.length;
    let cursor = start;
    for (const [a, b] of ranges) {
      if (b <= cursor || a >= end) continue;
      const from = Math.max(a, cursor);
      const to = Math.min(b, end);
      if (from > cursor) out.push({ text: plain.slice(cursor, from), style: seg.style, match: false });
      out.push({ text: plain.slice(from, to), style: seg.style, match: true });
      cursor = to;
    }
    if (cursor < end) out.push({ text: plain.slice(cursor, end), style: seg.style, match: false });
    offset = end;
  }
  return out;
}

/** Anchor id of a log line: "planning-L12". Stable, so links to a line survive reloads. */
export function lineAnchor(state: string, n: number): string {
  return `${state.toLowerCase()}-L${n}`;
}

/** Inverse of lineAnchor for a location hash ("#planning-L12"); null when it is not a line link. */
export function parseLineAnchor(hash: string): { state: string; n: number } | null {
  const match = /^#?([a-z_]+)-L(\d+)$/.exec(hash);
  if (!match) return null;
  return { state: match[1]!.toUpperCase(), n: Number(match[2]) };
}
