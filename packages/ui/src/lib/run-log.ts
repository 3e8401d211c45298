import { ansiEndStyle, ansiStyleKey, type AnsiSegment, type AnsiStyle, displayText, parseAnsiLine, PLAIN_STYLE } from './ansi.ts';

// A run's log arrives as ONE sequence of chunks (seq 0,1,2,…), each tagged with the run state it
// was produced in. Chunks may repeat (reconnects, subscribe-then-read) and, rarely, arrive out of
// order; lines may span chunks. RunLog turns that into per-phase lines.
//
// A log can be 20 MB and hundreds of thousands of lines, so lines are stored compactly: one string
// per line (a slice of the chunk it came from, not a copy) and the ANSI style each line starts
// with as an index into a small table of distinct styles. Styled segments are parsed only for the
// lines on screen (`segments(i)`), and work on arrival is proportional to the new text.

export interface LogChunk {
  seq: number;
  state: string;
  text: string;
}

/** A read-only snapshot of one phase's lines. Cheap to take; unchanged lines keep their text. */
export interface LogLines {
  /** Number of lines, the unterminated last line included. */
  readonly length: number;
  /** Lines before this index are complete and will not change (until `generation` changes). */
  readonly stable: number;
  /** The phase log this snapshot was taken from: snapshots of one phase share it. */
  readonly origin: object;
  /** Bumped when the phase was rebuilt (a chunk arrived out of order): cached results are stale. */
  readonly generation: number;
  /** Longest displayed line, in characters (escape sequences excluded). */
  readonly maxLength: number;
  /** The line as received (escape sequences included); index is 0-based. */
  raw(index: number): string;
  /** The line as displayed: escape sequences removed, carriage-return overwrites applied. */
  plain(index: number): string;
  /** The ANSI style in effect at the start of the line (styles carry across lines). */
  startStyle(index: number): AnsiStyle;
  /** The line's styled segments, parsed now. */
  segments(index: number): AnsiSegment[];
}

class PhaseLog {
  readonly chunks: LogChunk[] = [];
  private raws: string[] = [];
  // Style at the start of each complete line, as an index into `styles` (0 = plain).
  private startIds = new Uint16Array(1024);
  private readonly styles: AnsiStyle[] = [PLAIN_STYLE];
  private readonly styleIds = new Map<string, number>([['', 0]]);
  private style = 0; // style at the end of the last complete line
  private partial = '';
  private maxLength = 0;
  private generation = 0;
  private snapshot: LogLines | null = null;

  add(chunk: LogChunk): void {
    const last = this.chunks[this.chunks.length - 1];
    if (!last || last.seq < chunk.seq) {
      this.chunks.push(chunk);
      this.feed(chunk.text);
    } else {
      // Out of order: insert in place and rebuild this phase (rare: only after a reconnect race).
      const at = this.chunks.findIndex((c) => c.seq > chunk.seq);
      this.chunks.splice(at, 0, chunk);
      this.raws = [];
      this.startIds = new Uint16Array(1024);
      this.style = 0;
      this.partial = '';
      this.maxLength = 0;
      this.generation++;
      for (const c of this.chunks) this.feed(c.text);
    }
    this.snapshot = null;
  }

  private feed(text: string): void {
    let from = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.partial += text;
      return;
    }
    // The first line may have started in an earlier chunk; the others are slices of this one.
    this.commit(this.partial + text.slice(0, nl));
    from = nl + 1;
    for (nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
      this.commit(text.slice(from, nl));
      from = nl + 1;
    }
    this.partial = text.slice(from);
  }

  private commit(raw: string): void {
    const index = this.raws.length;
    if (index === this.startIds.length) {
      const grown = new Uint16Array(this.startIds.length * 2);
      grown.set(this.startIds);
      this.startIds = grown;
    }
    this.startIds[index] = this.style;
    this.raws.push(raw);
    // A line is never wider than its raw text: most lines need no stripping to know they are not the longest.
    if (raw.length > this.maxLength) this.maxLength = Math.max(this.maxLength, displayText(raw).length);
    if (raw.includes('\x1b')) this.style = this.intern(ansiEndStyle(raw, this.styles[this.style]!));
  }

  private intern(style: AnsiStyle): number {
    const key = ansiStyleKey(style);
    let id = this.styleIds.get(key);
    if (id === undefined) {
      // More distinct styles than a Uint16 holds would be absurd; fall back to plain.
      if (this.styles.length >= 0xffff) return 0;
      id = this.styles.length;
      this.styles.push(style);
      this.styleIds.set(key, id);
    }
    return id;
  }

  /** The lines so far, the unterminated last line included. Same object until the phase changes. */
  lines(): LogLines {
    if (!this.snapshot) this.snapshot = this.takeSnapshot();
    return this.snapshot;
  }

  private takeSnapshot(): LogLines {
    // Captured by value: later appends do not change what this snapshot shows, a rebuild replaces
    // the arrays instead of mutating them.
    const raws = this.raws;
    const startIds = this.startIds;
    const styles = this.styles;
    const stable = raws.length;
    const partial = this.partial;
    const partialStyle = this.style;
    const length = stable + (partial === '' ? 0 : 1);
    const maxLength = Math.max(this.maxLength, partial === '' ? 0 : displayText(partial).length);
    const check = (index: number) => {
      if (!Number.isInteger(index) || index < 0 || index >= length) throw new RangeError(`line index ${index} is outside 0..${length - 1}`);
    };
    const raw = (index: number) => {
      check(index);
      return index < stable ? raws[index]! : partial;
    };
    const startStyle = (index: number) => {
      check(index);
      return styles[index < stable ? startIds[index]! : partialStyle]!;
    };
    return {
      length,
      stable,
      origin: this,
      generation: this.generation,
      maxLength,
      raw,
      plain: (index) => displayText(raw(index)),
      startStyle,
      segments: (index) => parseAnsiLine(raw(index), startStyle(index)).segments,
    };
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

  lines(state: string): LogLines {
    return this.phases.get(state)?.lines() ?? NO_LOG_LINES;
  }

  lineCount(state: string): number {
    return this.lines(state).length;
  }
}

/** Lines from a whole text (tests, static logs): the same view a streamed phase gives. */
export function logLinesFromText(text: string): LogLines {
  const phase = new PhaseLog();
  phase.add({ seq: 0, state: '', text });
  return phase.lines();
}

/** A phase without output. */
export const NO_LOG_LINES: LogLines = logLinesFromText('');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Indexes of lines whose displayed text contains `query` (case-insensitive), from line `from` up
 * to `to` (exclusive). An empty query matches nothing.
 */
export function findMatches(lines: LogLines, query: string, from = 0, to = lines.length): number[] {
  if (query === '') return [];
  const pattern = new RegExp(escapeRegExp(query), 'i');
  const out: number[] = [];
  for (let i = from; i < to; i++) if (pattern.test(lines.plain(i))) out.push(i);
  return out;
}

/**
 * Search that keeps up with a growing log: the lines already searched are not searched again when
 * more arrive, only the new ones and the last (possibly unterminated) line.
 */
export class IncrementalSearch {
  private query = '';
  private origin: object | null = null;
  private generation = -1;
  private scanned = 0; // stable lines searched so far
  private stableMatches: number[] = [];
  private result: number[] = [];
  private resultFor: LogLines | null = null;

  /** Indexes of the matching lines of `lines`. Returns the same array while nothing changed. */
  matches(lines: LogLines, query: string): readonly number[] {
    if (lines === this.resultFor && query === this.query) return this.result;
    const sameLog = lines.origin === this.origin && lines.generation === this.generation && lines.stable >= this.scanned;
    if (sameLog && query !== this.query && this.query !== '' && query.toLowerCase().includes(this.query.toLowerCase())) {
      // A longer query (the user kept typing) can only match lines the shorter one matched.
      const pattern = new RegExp(escapeRegExp(query), 'i');
      this.stableMatches = this.stableMatches.filter((i) => pattern.test(lines.plain(i)));
      this.query = query;
    } else if (!sameLog || query !== this.query) {
      this.query = query;
      this.origin = lines.origin;
      this.generation = lines.generation;
      this.scanned = 0;
      this.stableMatches = [];
    }
    if (lines.stable > this.scanned) {
      const found = findMatches(lines, query, this.scanned, lines.stable);
      if (found.length > 0) this.stableMatches = this.stableMatches.concat(found);
      this.scanned = lines.stable;
    }
    const tail = findMatches(lines, query, lines.stable, lines.length);
    this.result = tail.length > 0 ? this.stableMatches.concat(tail) : this.stableMatches;
    this.resultFor = lines;
    return this.result;
  }
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
