import { describe, expect, it } from 'vitest';
import { findMatches, highlightSegments, lineAnchor, parseLineAnchor, RunLog } from './run-log.ts';
import { PLAIN_STYLE } from './ansi.ts';

const plain = (log: RunLog, state: string) => log.lines(state).map((l) => l.plain);

describe('RunLog', () => {
  it('splits chunks into lines per phase, joining lines that span chunks', () => {
    const log = new RunLog();
    log.append({ seq: 0, state: 'INITIALIZING', text: 'Initializing the backend...\n' });
    log.append({ seq: 1, state: 'PLANNING', text: 'terraform_data.x: Creat' });
    log.append({ seq: 2, state: 'PLANNING', text: 'ing...\nPlan: 1 to add' });
    expect(plain(log, 'INITIALIZING')).toEqual(['Initializing the backend...']);
    expect(plain(log, 'PLANNING')).toEqual(['terraform_data.x: Creating...', 'Plan: 1 to add']);
    expect(log.lines('PLANNING').map((l) => l.n)).toEqual([1, 2]);
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
    const [a, b, c] = log.lines('PLANNING');
    expect(a!.segments[0]!.style.fg).toEqual({ kind: 'palette', index: 1 });
    expect(b!.segments[0]!.style.fg).toEqual({ kind: 'palette', index: 1 });
    expect(c!.segments[0]!.style).toEqual(PLAIN_STYLE);
  });

  it('keeps the same lines array until something changes', () => {
    const log = new RunLog();
    log.append({ seq: 0, state: 'PLANNING', text: 'a\nb' });
    const first = log.lines('PLANNING');
    expect(log.lines('PLANNING')).toBe(first);
    log.append({ seq: 1, state: 'PLANNING', text: 'c\n' });
    const second = log.lines('PLANNING');
    expect(second).not.toBe(first);
    expect(second[0]).toBe(first[0]); // completed lines are reused, not re-parsed
    expect(second.map((l) => l.plain)).toEqual(['a', 'bc']);
  });

  it('rejects malformed sequence numbers', () => {
    const log = new RunLog();
    expect(log.append({ seq: -1, state: 'PLANNING', text: 'x' })).toBe(false);
    expect(log.append({ seq: 1.5, state: 'PLANNING', text: 'x' })).toBe(false);
    expect(log.lines('PLANNING')).toEqual([]);
  });
});

describe('search', () => {
  it('finds lines case-insensitively, ignoring colour codes', () => {
    const log = new RunLog();
    log.append({ seq: 0, state: 'PLANNING', text: 'alpha\n\x1b[1mBe\x1b[0mta\ngamma beta\n' });
    expect(findMatches(log.lines('PLANNING'), 'BETA')).toEqual([1, 2]);
    expect(findMatches(log.lines('PLANNING'), '')).toEqual([]);
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
