import { describe, expect, it } from 'vitest';
import { findMatches, highlightSegments, IncrementalSearch, lineAnchor, logLinesFromText, parseLineAnchor, RunLog, type LogLines } from './run-log.ts';
import { PLAIN_STYLE } from './ansi.ts';

const all = (lines: LogLines) => Array.from({ length: lines.length }, (_, i) => i);
const plain = (log: RunLog, state: string) => all(log.lines(state)).map((i) => log.lines(state).plain(i));

describe('RunLog', () => {
  it('splits chunks into lines per phase, joining lines that span chunks', () => {
    const log = new RunLog();
    log.append({ seq: 0, state: 'INITIALIZING', text: 'Initializing the backend...\n' });
    log.append({ seq: 1, state: 'PLANNING', text: 'terraform_data.x: Creat' });
    log.append({ seq: 2, state: 'PLANNING', text: 'ing...\nPlan: 1 to add' });
    expect(plain(log, 'INITIALIZING')).toEqual(['Initializing the backend...']);
    expect(plain(log, 'PLANNING')).toEqual(['terraform_data.x: Creating...', 'Plan: 1 to add']);
    expect(log.phaseNames()).toEqual(['INITIALIZING', 'PLANNING']);
    expect(log.lastSeq).toBe(2);
  });

  it('ignores duplicate chunks (reconnect replays) and reports them', () => {
    const log = new RunLog();
    expect(log.append({ seq: 0, state: 'PLANNING', text: 'a\n' })).toBe(true);
    expect(log.append({ seq: 0, state: 'PLANNING', text: 'a\n' })).toBe(false);
    expect(plain(log, 'PLANNING')).toEqual(['a']);
    expect(log.version).toBe(1);
  });

  it('rebuilds a phase when a chunk arrives out of order', () => {
    const log = new RunLog();
    log.append({ seq: 0, state: 'PLANNING', text: 'one\n' });
    log.append({ seq: 2, state: 'PLANNING', text: 'three\n' });
    log.append({ seq: 1, state: 'PLANNING', text: 'two\n' });
    expect(plain(log, 'PLANNING')).toEqual(['one', 'two', 'three']);
  });

  it('carries ANSI style from one line to the next', () => {
    const log = new RunLog();
    log.append({ seq: 0, state: 'PLANNING', text: '\x1b[31mred\nstill red\x1b[0m\nplain\n' });
    const lines = log.lines('PLANNING');
    expect(lines.segments(0)[0]!.style.fg).toEqual({ kind: 'palette', index: 1 });
    expect(lines.startStyle(1).fg).toEqual({ kind: 'palette', index: 1 });
    expect(lines.segments(1)[0]!.style.fg).toEqual({ kind: 'palette', index: 1 });
    expect(lines.startStyle(2)).toEqual(PLAIN_STYLE);
    expect(lines.segments(2)[0]!.style).toEqual(PLAIN_STYLE);
  });

  it('keeps the same snapshot until something changes; older snapshots do not change', () => {
    const log = new RunLog();
    log.append({ seq: 0, state: 'PLANNING', text: 'a\nb' });
    const first = log.lines('PLANNING');
    expect(log.lines('PLANNING')).toBe(first);
    expect([first.length, first.stable]).toEqual([2, 1]);
    log.append({ seq: 1, state: 'PLANNING', text: 'c\n' });
    const second = log.lines('PLANNING');
    expect(second).not.toBe(first);
    expect(all(second).map((i) => second.plain(i))).toEqual(['a', 'bc']);
    expect([second.length, second.stable]).toEqual([2, 2]);
    expect(all(first).map((i) => first.plain(i))).toEqual(['a', 'b']);
  });

  it('keeps escape sequences in raw lines and strips them for display', () => {
    const lines = logLinesFromText('\x1b[32m+\x1b[0m create\n10%\r100%\n');
    expect(lines.raw(0)).toBe('\x1b[32m+\x1b[0m create');
    expect(lines.plain(0)).toBe('+ create');
    expect(lines.plain(1)).toBe('100%');
    expect(lines.maxLength).toBe(8);
  });

  it('bumps the generation when a phase is rebuilt', () => {
    const log = new RunLog();
    log.append({ seq: 0, state: 'PLANNING', text: 'one\n' });
    log.append({ seq: 2, state: 'PLANNING', text: 'three\n' });
    const before = log.lines('PLANNING').generation;
    log.append({ seq: 1, state: 'PLANNING', text: 'two\n' });
    expect(log.lines('PLANNING').generation).toBe(before + 1);
  });

  it('refuses line indexes outside the log', () => {
    const lines = logLinesFromText('a\n');
    expect(() => lines.raw(1)).toThrow(RangeError);
    expect(() => lines.raw(-1)).toThrow(RangeError);
  });

  it('stores a large log compactly and parses only the lines asked for', () => {
    const log = new RunLog();
    const line = (i: number) => `\x1b[3${i % 8}mline ${i}\x1b[0m of a large log, padded to look like real output .....`;
    let seq = 0;
    let chunk = '';
    for (let i = 1; i <= 200_000; i++) {
      chunk += line(i) + '\n';
      if (chunk.length > 64 * 1024) {
        log.append({ seq: seq++, state: 'APPLYING', text: chunk.slice(0, 40_000) });
        log.append({ seq: seq++, state: 'APPLYING', text: chunk.slice(40_000) });
        chunk = '';
      }
    }
    log.append({ seq: seq++, state: 'APPLYING', text: chunk });
    const lines = log.lines('APPLYING');
    expect(lines.length).toBe(200_000);
    expect(lines.plain(199_999)).toBe('line 200000 of a large log, padded to look like real output .....');
    expect(lines.segments(41)[0]).toMatchObject({ text: 'line 42', style: { fg: { kind: 'palette', index: 2 } } });
    expect(findMatches(lines, 'LINE 199999 ')).toEqual([199_998]);
  });

  it('rejects malformed sequence numbers', () => {
    const log = new RunLog();
    expect(log.append({ seq: -1, state: 'PLANNING', text: 'x' })).toBe(false);
    expect(log.append({ seq: 1.5, state: 'PLANNING', text: 'x' })).toBe(false);
    expect(log.lines('PLANNING').length).toBe(0);
  });
});

describe('search', () => {
  it('finds lines case-insensitively, ignoring colour codes', () => {
    const log = new RunLog();
    log.append({ seq: 0, state: 'PLANNING', text: 'alpha\n\x1b[1mBe\x1b[0mta\ngamma beta\n' });
    expect(findMatches(log.lines('PLANNING'), 'BETA')).toEqual([1, 2]);
    expect(findMatches(log.lines('PLANNING'), '[1m')).toEqual([]);
    expect(findMatches(log.lines('PLANNING'), '')).toEqual([]);
  });

  it('finds matches in the lines that arrive after a search, without searching old lines again', () => {
    const log = new RunLog();
    const search = new IncrementalSearch();
    log.append({ seq: 0, state: 'PLANNING', text: 'error one\nfine\nerr' });
    expect(search.matches(log.lines('PLANNING'), 'error')).toEqual([0]);
    const same = search.matches(log.lines('PLANNING'), 'error');
    expect(search.matches(log.lines('PLANNING'), 'error')).toBe(same);
    log.append({ seq: 1, state: 'PLANNING', text: 'or two\nok\nerror three' });
    expect(search.matches(log.lines('PLANNING'), 'error')).toEqual([0, 2, 4]);
    expect(search.matches(log.lines('PLANNING'), 'fine')).toEqual([1]);
    // Another phase is searched from its start.
    log.append({ seq: 2, state: 'APPLYING', text: 'x\nx\nx\nx\nx\nerror\n' });
    expect(search.matches(log.lines('APPLYING'), 'fine')).toEqual([]);
    expect(search.matches(log.lines('APPLYING'), 'error')).toEqual([5]);
  });

  it('treats the query as text, not a regular expression', () => {
    const lines = logLinesFromText('a.b\naxb\n(x)\n');
    expect(findMatches(lines, 'a.b')).toEqual([0]);
    expect(findMatches(lines, '(x)')).toEqual([2]);
  });

  it('highlights matches across styled segments', () => {
    const bold = { ...PLAIN_STYLE, bold: true };
    const parts = highlightSegments(
      [
        { text: 'Be', style: bold },
        { text: 'ta beta', style: PLAIN_STYLE },
      ],
      'beta',
    );
    expect(parts.map((p) => [p.text, p.match, p.style.bold])).toEqual([
      ['Be', true, true],
      ['ta', true, false],
      [' ', false, false],
      ['beta', true, false],
    ]);
  });

  it('leaves segments alone when nothing matches', () => {
    expect(highlightSegments([{ text: 'abc', style: PLAIN_STYLE }], 'z')).toEqual([{ text: 'abc', style: PLAIN_STYLE, match: false }]);
  });
});

describe('line anchors', () => {
  it('round-trips phase and line number', () => {
    expect(lineAnchor('PREPARING_APPLY', 12)).toBe('preparing_apply-L12');
    expect(parseLineAnchor('#preparing_apply-L12')).toEqual({ state: 'PREPARING_APPLY', n: 12 });
    expect(parseLineAnchor('#summary')).toBeNull();
  });
});
