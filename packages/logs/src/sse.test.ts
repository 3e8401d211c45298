import { describe, expect, it } from 'vitest';
import { encodeSseComment, encodeSseEvent, InvalidLastEventIdError, parseLastEventId } from './sse.ts';
import { parseSse } from './testing/sse-parser.ts';

describe('encodeSseEvent', () => {
  it('writes event, id and JSON data ending with a blank line', () => {
    const text = encodeSseEvent({ event: 'log', id: 7, data: { seq: 7, state: 'PLANNING', text: 'a\nb' } });
    expect(text).toBe('event: log\nid: 7\ndata: {"seq":7,"state":"PLANNING","text":"a\\nb"}\n\n');
  });

  it('splits multi-line string data into data lines for every kind of line break', () => {
    const text = encodeSseEvent({ data: 'one\ntwo\r\nthree\rfour' });
    expect(text).toBe('data: one\ndata: two\ndata: three\ndata: four\n\n');
    expect(parseSse(text)).toEqual([{ event: 'message', id: null, data: 'one\ntwo\nthree\nfour' }]);
  });

  it('keeps leading spaces, colons, empty lines and unicode in data', () => {
    const data = ' indented: yes\n\n🚀 \u001b[32mok\u001b[0m\n';
    expect(parseSse(encodeSseEvent({ event: 'x', data }))).toEqual([{ event: 'x', id: null, data }]);
  });

  it('writes retry and omits absent fields', () => {
    expect(encodeSseEvent({ retry: 3000, data: 'r' })).toBe('retry: 3000\ndata: r\n\n');
  });

  it('rejects fields that would break the framing', () => {
    expect(() => encodeSseEvent({ event: 'a\nb', data: '' })).toThrow(/single line/);
    expect(() => encodeSseEvent({ event: '', data: '' })).toThrow(/non-empty/);
    expect(() => encodeSseEvent({ id: '1\r2', data: '' })).toThrow(/single line/);
    expect(() => encodeSseEvent({ id: 'a\u0000', data: '' })).toThrow(/NUL/);
    expect(() => encodeSseEvent({ retry: -1, data: '' })).toThrow(/retry/);
    expect(() => encodeSseEvent({ data: undefined })).toThrow(/data/);
  });

  it('reads back a sequence of events', () => {
    const wire =
      encodeSseEvent({ event: 'state', data: { state: 'PLANNING', at: null, reason: null } }) +
      encodeSseComment('heartbeat') +
      encodeSseEvent({ event: 'log', id: 0, data: { seq: 0, state: 'PLANNING', text: 'x' } });
    expect(parseSse(wire).map((e) => [e.event, e.id])).toEqual([
      ['state', null],
      ['log', '0'],
    ]);
  });
});

describe('encodeSseComment', () => {
  it('writes comment lines that clients ignore', () => {
    expect(encodeSseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(encodeSseComment('a\nb')).toBe(': a\n: b\n\n');
    expect(parseSse(encodeSseComment('x'))).toEqual([]);
  });
});

describe('parseLastEventId', () => {
  it('returns null when absent or blank', () => {
    expect(parseLastEventId(null)).toBeNull();
    expect(parseLastEventId(undefined)).toBeNull();
    expect(parseLastEventId('  ')).toBeNull();
  });

  it('returns the seq', () => {
    expect(parseLastEventId('0')).toBe(0);
    expect(parseLastEventId(' 1234 ')).toBe(1234);
  });

  it('rejects anything but a non-negative integer', () => {
    for (const bad of ['-1', '1.5', 'abc', '1e3', '0x10', '99999999999999999']) {
      expect(() => parseLastEventId(bad)).toThrow(InvalidLastEventIdError);
    }
  });
});
