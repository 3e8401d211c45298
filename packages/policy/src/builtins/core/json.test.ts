import { describe, expect, it } from 'vitest';
import { RObject, RSet } from '../../value.ts';
import { call, same } from './test-helpers.ts';

describe('json encoding', () => {
  it('marshals like Go', () => {
    expect(call('json.marshal', [{ foo: new Set([1, 2, 3]) }])).toBe('[{"foo":[1,2,3]}]');
    expect(call('json.marshal', [1234567890, 2000000, 1000000000])).toBe('[1234567890,2000000,1000000000]');
    expect(call('json.marshal', '<a href="x">&</a>\u2028\n\u0001')).toBe(
      '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e\\u2028\\n\\u0001"',
    );
    expect(call('json.marshal', { b: 1, a: 18446744073709551617n })).toBe('{"a":18446744073709551617,"b":1}');
    expect(call('json.marshal', RObject.from([[1, 'x'], ['a', 'y']]))).toBe('{"1":"x","a":"y"}');
    // Keys sort in UTF-8 byte order, as Go sorts them: U+E000 before U+1F600 (UTF-16 order is the reverse).
    expect(call('json.marshal', { '\u{1F600}': 2, '\uE000': 1 })).toBe('{"\uE000":1,"\u{1F600}":2}');
  });

  it('marshals with options', () => {
    const v = [1234567890, 2000000, 1000000000];
    expect(call('json.marshal_with_options', v, { indent: '  ' })).toBe('[\n  1234567890,\n  2000000,\n  1000000000\n]');
    expect(call('json.marshal_with_options', v, {})).toBe('[1234567890,2000000,1000000000]');
    expect(call('json.marshal_with_options', v, { pretty: true })).toBe('[\n\t1234567890,\n\t2000000,\n\t1000000000\n]');
    expect(call('json.marshal_with_options', v, { pretty: false, prefix: 'NO!', indent: 'BAD!' })).toBe(
      '[1234567890,2000000,1000000000]',
    );
    expect(call('json.marshal_with_options', { foo: 'bar', bar: 'baz' }, { prefix: 'JSON => ' })).toBe(
      'JSON => {\nJSON => \t"bar": "baz",\nJSON => \t"foo": "bar"\nJSON => }',
    );
    expect(call('json.marshal_with_options', [], { indent: '    ', prefix: '---' })).toBe('---[]');
    expect(call('json.marshal_with_options', [[[]]], { indent: ' ' })).toBe('[\n [\n  []\n ]\n]');
    expect(() => call('json.marshal_with_options', [], { indent: '  ', include_winning_lottery_numbers: true })).toThrow(
      'operand 2 object contained unknown key "include_winning_lottery_numbers"',
    );
  });

  it('unmarshals with exact numbers and Go errors', () => {
    expect(same(call('json.unmarshal', '[{"foo":[1,2,3]}]'), [{ foo: [1, 2, 3] }])).toBe(true);
    expect(call('json.unmarshal', '18446744073709551617')).toBe(18446744073709551617n);
    expect(call('json.unmarshal', '1.0')).toBe(1);
    expect(call('json.unmarshal', '"\\ud83d\\ude00\\u00e5"')).toBe('😀å');
    expect(() => call('json.unmarshal', 1)).toThrow('operand 1 must be string but got number');
    expect(() => call('json.unmarshal', 'plainstring')).toThrow("invalid character 'p' looking for beginning of value");
    expect(() => call('json.unmarshal', '{"a" 1}')).toThrow("invalid character '1' after object key");
    expect(() => call('json.unmarshal', '[1,2')).toThrow('unexpected EOF');
    expect(() => call('json.unmarshal', '1 2')).toThrow("invalid character '2' after top-level value");
  });

  it('validates', () => {
    expect(['plainstring', '{', '{"json": "ok"}', ' [1, -0.5e3] ', '01', '"\t"'].map((s) => call('json.is_valid', s))).toEqual([
      false,
      false,
      true,
      true,
      false,
      false,
    ]);
    expect(call('json.is_valid', 1)).toBe(false);
  });
});

describe('json.filter and json.remove', () => {
  const doc = { a: { b: { c: 7, d: 8 } }, e: 9 };
  it('filters by paths', () => {
    expect(same(call('json.filter', doc, new Set(['a/b/c'])), { a: { b: { c: 7 } } })).toBe(true);
    expect(same(call('json.filter', doc, ['a/b/c', 'e']), { a: { b: { c: 7 } }, e: 9 })).toBe(true);
    expect(same(call('json.filter', { a: { b: 7 } }, new Set(['a', 'a/b'])), { a: { b: 7 } })).toBe(true);
    expect(same(call('json.filter', { a: 7 }, new Set()), {})).toBe(true);
    expect(same(call('json.filter', { a: [{ b: 7, c: 8 }, { d: 9 }] }, new Set(['a/0/b', 'a/1'])), { a: [{ b: 7 }, { d: 9 }] })).toBe(
      true,
    );
    expect(same(call('json.filter', { a: [{ 1: ['b', 'c', 'd'] }, { x: 'y' }] }, new Set(['a/0/1/2'])), { a: [{ 1: ['d'] }] })).toBe(
      true,
    );
    expect(same(call('json.filter', doc, new Set([['a', 'b', 'c'], ['e']])), { a: { b: { c: 7 } }, e: 9 })).toBe(true);
  });

  it('removes paths', () => {
    expect(same(call('json.remove', doc, new Set(['a/b/c'])), { a: { b: { d: 8 } }, e: 9 })).toBe(true);
    expect(same(call('json.remove', { a: { b: 7 }, c: 1 }, new Set(['a', 'a/b'])), { c: 1 })).toBe(true);
    expect(same(call('json.remove', { a: { b: 7 }, c: 1 }, new Set(['a/b', 'c'])), { a: {} })).toBe(true);
    expect(same(call('json.remove', { a: [{ b: 7, c: 8 }, { d: 9 }] }, new Set(['a/0/b', 'a/1'])), { a: [{ c: 8 }] })).toBe(true);
    expect(() => call('json.remove', 'foo', new Set(['a']))).toThrow('json.remove: operand 1 must be object but got string');
    expect(() => call('json.remove', {}, 'foo')).toThrow('operand 2 must be one of {set, array} but got string');
    expect(() => call('json.remove', {}, new Set([1, 'a']))).toThrow(
      'operand 2 must be one of {set, array} containing string paths or array of path segments but got number',
    );
  });
});

describe('json.patch', () => {
  const patch = (doc: unknown, ...ops: unknown[]) => call('json.patch', doc, ops);
  it('applies RFC 6902 operations', () => {
    expect(same(patch({ foo: 'bar' }, { op: 'add', path: '/baz', value: 'qux' }), { foo: 'bar', baz: 'qux' })).toBe(true);
    expect(same(patch({ foo: ['bar', 'baz'] }, { op: 'add', path: '/foo/1', value: 'qux' }), { foo: ['bar', 'qux', 'baz'] })).toBe(true);
    expect(same(patch({ foo: [1] }, { op: 'add', path: '/foo/-', value: 2 }), { foo: [1, 2] })).toBe(true);
    expect(same(patch({ baz: 'qux', foo: 'bar' }, { op: 'remove', path: '/baz' }), { foo: 'bar' })).toBe(true);
    expect(same(patch({ foo: 'bar' }, { op: 'replace', path: '', value: { baz: 'qux' } }), { baz: 'qux' })).toBe(true);
    expect(
      same(patch({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, { op: 'move', from: '/foo/waldo', path: '/qux/thud' }), {
        foo: { bar: 'baz' },
        qux: { corge: 'grault', thud: 'fred' },
      }),
    ).toBe(true);
    expect(same(patch({ foo: ['all', 'grass', 'cows', 'eat'] }, { op: 'move', from: '/foo/1', path: '/foo/3' }), { foo: ['all', 'cows', 'eat', 'grass'] })).toBe(true);
    expect(same(patch({ '/': 9, '~1': 10 }, { op: 'test', path: '/~01', value: 10 }), { '/': 9, '~1': 10 })).toBe(true);
    expect(same(patch({ '': 1 }, { op: 'test', path: '/', value: 1 }), { '': 1 })).toBe(true);
    expect(same(patch({ baz: [{ qux: 'hello' }], bar: 1 }, { op: 'copy', from: '/baz/0', path: '/boo' }), { baz: [{ qux: 'hello' }], bar: 1, boo: { qux: 'hello' } })).toBe(true);
  });

  it('is undefined when an operation fails', () => {
    expect(patch({ q: { bar: 2 } }, { op: 'add', path: '/a/b', value: 1 })).toBeUndefined();
    expect(patch({ baz: 'qux' }, { op: 'test', path: '/baz', value: 'bar' })).toBeUndefined();
    expect(patch({ bar: [1, 2] }, { op: 'add', path: '/bar/8', value: '5' })).toBeUndefined();
    expect(patch({ bar: [1, 2] }, { op: 'add', path: '/bar/-1', value: '5' })).toBeUndefined();
    expect(patch(['foo', 'bar'], { op: 'test', path: '/01', value: 'bar' })).toBeUndefined();
    expect(patch([1, 2, 3, 4], { op: 'remove', path: '/1e0' })).toBeUndefined();
    expect(patch({}, { op: 'add', value: 'bar' })).toBeUndefined();
    expect(patch({}, { op: 'add', path: null, value: 'bar' })).toBeUndefined();
    expect(patch({ foo: 1 }, { op: 'spam', path: '/foo', value: 1 })).toBeUndefined();
    expect(patch({ foo: 1 }, { op: 'copy', from: '/bar', path: '/foo' })).toBeUndefined();
    expect(patch({ foo: 'bar' }, { op: 'remove', path: '/missing1/missing2' })).toBeUndefined();
    expect(patch([1, 2, 3], { op: 'add', path: '1.2', value: 'foo' })).toBeUndefined();
  });

  it('patches sets and nested values addressed by array paths', () => {
    const doc = { foo: new Set(['a', 'b', 'c']) };
    expect(same(patch(doc, { op: 'remove', path: 'foo/b' }), { foo: new Set(['a', 'c']) })).toBe(true);
    expect(same(patch(doc, { op: 'add', path: 'foo/d', value: 'd' }), { foo: new Set(['a', 'b', 'c', 'd']) })).toBe(true);
    expect(patch(doc, { op: 'add', path: 'foo/d', value: 'e' })).toBeUndefined();
    const moved = patch({ foo: new Set(['a', 'b']), bar: new Set(['c', 'd']) }, { op: 'move', from: 'foo/a', path: 'bar/a' });
    expect(same(moved, { foo: new Set(['b']), bar: new Set(['a', 'c', 'd']) })).toBe(true);
    const nested = patch(new Set([[1]]), { op: 'add', path: [[1], 1], value: 2 });
    expect(nested).toBeInstanceOf(RSet);
    expect(same(nested, new Set([[1, 2]]))).toBe(true);
  });
});
