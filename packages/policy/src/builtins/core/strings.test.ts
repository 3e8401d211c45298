import { describe, expect, it } from 'vitest';
import { call } from './test-helpers.ts';

describe('string builtins', () => {
  it('concat joins arrays and sets of strings', () => {
    expect(call('concat', '/', ['', 'foo', 'bar', '0', 'baz'])).toBe('/foo/bar/0/baz');
    expect(call('concat', ',', new Set(['1', '2', '3']))).toBe('1,2,3');
    expect(call('concat', ',', [])).toBe('');
    expect(() => call('concat', ',', [1])).toThrow('concat: operand 2 must be array of strings but got array containing number');
    expect(() => call('concat', ',', 'x')).toThrow('operand 2 must be one of {set, array} but got string');
  });

  it('format_int truncates and formats in bases 2, 8, 10, 16', () => {
    expect(call('format_int', 15.5, 16)).toBe('f');
    expect(call('format_int', 3.1, 10)).toBe('3');
    expect(call('format_int', 18446744073709551617n, 16)).toBe('10000000000000001');
    expect(call('format_int', 18446744073709551617n, 8)).toBe('2000000000000000000001');
    expect(call('format_int', -18446744073709551617n, 10)).toBe('-18446744073709551617');
    expect(call('format_int', -15.9, 16)).toBe('-f');
    expect(call('format_int', 5, 2)).toBe('101');
    expect(() => call('format_int', 4.1, 199)).toThrow('operand 2 must be one of {2, 8, 10, 16}');
  });

  it('indexof and indexof_n count runes', () => {
    expect(call('indexof', 'abcdefgh', 'cde')).toBe(2);
    expect(call('indexof', 'abcabcabcdefgh', 'cde')).toBe(8);
    expect(call('indexof', 'abcdefgh', 'xyz')).toBe(-1);
    expect(call('indexof', 'μx', 'x')).toBe(1);
    expect(call('indexof', 'μ', 'μμ')).toBe(-1);
    expect(call('indexof', 'skön var våren', 'vår')).toBe(9);
    expect(call('indexof', '🍧🍨🧁🍰🍮', '🍮')).toBe(4);
    expect(() => call('indexof', 'abc', '')).toThrow('indexof: empty search character');
    expect(call('indexof_n', 'dogcatdogcat', 'cat')).toEqual([3, 9]);
    expect(call('indexof_n', '😇😀😇😀😇😀', '😀')).toEqual([1, 3, 5]);
    expect(call('indexof_n', 'aaa', 'aa')).toEqual([0, 1]);
    expect(call('indexof_n', 'dogcat', 'rabbit')).toEqual([]);
  });

  it('substring counts runes and clamps', () => {
    expect(call('substring', 'abcdefgh', 2, 3)).toBe('cde');
    expect(call('substring', 'åäö', 0, 2)).toBe('åä');
    expect(call('substring', 'abcdefgh', 2, -1)).toBe('cdefgh');
    expect(call('substring', 'aåäö', 2, -1)).toBe('äö');
    expect(call('substring', 'abcdefghåäö', 2, 10000)).toBe('cdefghåäö');
    expect(call('substring', 'åäö', 3, -1)).toBe('');
    expect(call('substring', 'aaa', 4, -1)).toBe('');
    expect(() => call('substring', 'aaa', -1, -1)).toThrow('substring: negative offset');
    expect(() => call('substring', 'aaa', 1.5, 1)).toThrow('operand 2 must be integer number but got floating-point number');
  });

  it('contains, startswith, endswith, lower, upper', () => {
    expect(call('contains', 'abcdefgh', 'defg')).toBe(true);
    expect(call('contains', 'abcdefgh', 'ac')).toBe(false);
    expect(call('startswith', 'abcdefgh', 'abcd')).toBe(true);
    expect(call('endswith', 'abcdefgh', 'fg')).toBe(false);
    expect(call('lower', 'AbCdEf')).toBe('abcdef');
    expect(call('upper', 'AbCdEfß')).toBe('ABCDEFß');
    expect(call('lower', 'ÅÄÖ')).toBe('åäö');
  });

  it('split and split_n', () => {
    expect(call('split', '', '.')).toEqual(['']);
    expect(call('split', 'test', '')).toEqual(['t', 'e', 's', 't']);
    expect(call('split', '', '')).toEqual([]);
    expect(call('split', 'foo.bar.baz', '.')).toEqual(['foo', 'bar', 'baz']);
    expect(call('strings.split_n', 'a.b.c.d', '.', 2)).toEqual(['a', 'b']);
    expect(call('strings.split_n', 'a.b.c.d', '.', 10)).toEqual(['a', 'b', 'c', 'd']);
    expect(call('strings.split_n', 'a.b.c.d', '.', 0)).toEqual([]);
    expect(call('strings.split_n', 'a.b.c.d', '.', -2)).toEqual(['c', 'd']);
    expect(call('strings.split_n', 'a.b.c.d', '.', -10)).toEqual(['a', 'b', 'c', 'd']);
    expect(call('strings.split_n', 'abc', '', -2)).toEqual(['b', 'c']);
    expect(call('strings.split_n', '', '.', 2)).toEqual(['']);
    expect(() => call('strings.split_n', 'a.b.c', '.', 1.5)).toThrow(
      'strings.split_n: operand 3 must be integer number but got floating-point number',
    );
  });

  it('replace and strings.replace_n', () => {
    expect(call('replace', '', 'hi', 'bye')).toBe('');
    expect(call('replace', 'foo...bar', '..', ',,')).toBe('foo,,.bar');
    expect(call('replace', 'abc', '', '-')).toBe('-a-b-c-');
    expect(call('strings.replace_n', { '<': '&lt;', '>': '&gt;' }, 'This is <b>HTML</b>!')).toBe(
      'This is &lt;b&gt;HTML&lt;/b&gt;!',
    );
    expect(call('strings.replace_n', { f: 'x', foo: 'xxx' }, 'foobar')).toBe('xoobar');
    expect(call('strings.replace_n', { foo: 'xxx', f: 'x' }, 'foo')).toBe('xoo');
    expect(() => call('strings.replace_n', { f: 100 }, 'foo')).toThrow(
      'strings.replace_n: operand 1 non-string value found in pattern object',
    );
    expect(() => call('strings.replace_n', { f: 'x' }, 100)).toThrow('operand 2 must be string but got number');
  });

  it('trims', () => {
    expect(call('trim', '¡¡¡foo, bar!!!', '!¡')).toBe('foo, bar');
    expect(call('trim', '...foo.bar...', '.fr')).toBe('oo.ba');
    expect(call('trim_left', '¡¡¡foo, bar!!!', '!¡')).toBe('foo, bar!!!');
    expect(call('trim_right', '¡¡¡foo, bar!!!', '!¡')).toBe('¡¡¡foo, bar');
    expect(call('trim_prefix', '¡¡¡foo, bar!!!', '¡¡¡foo')).toBe(', bar!!!');
    expect(call('trim_suffix', '¡¡¡foo, bar!!!', ', bar!!!')).toBe('¡¡¡foo');
    expect(call('trim_suffix', 'abc', '')).toBe('abc');
    expect(call('trim_space', ' \t\n foo, bar \n\t\r\n')).toBe('foo, bar');
    expect(call('trim_space', '\ufefffoo')).toBe('\ufefffoo');
  });

  it('any_prefix_match and any_suffix_match accept strings, arrays and sets', () => {
    expect(call('strings.any_prefix_match', ['a/b/c', 'e/f/g'], ['a/', 'd/'])).toBe(true);
    expect(call('strings.any_prefix_match', ['aa/bb/cc'], ['a/b'])).toBe(false);
    expect(call('strings.any_prefix_match', 'a/b/c', new Set(['a/']))).toBe(true);
    expect(call('strings.any_prefix_match', [], [])).toBe(false);
    expect(call('strings.any_suffix_match', ['a/b/c'], '/c')).toBe(true);
    expect(() => call('strings.any_prefix_match', [1, 2], ['a'])).toThrow(
      'strings.any_prefix_match: operand 1 must be array of strings but got array containing number',
    );
    expect(() => call('strings.any_suffix_match', ['a'], 1)).toThrow(
      'operand 2 must be one of {string, set, array} but got number',
    );
  });

  it('strings.count and strings.reverse', () => {
    expect(call('strings.count', 'cheese', 'e')).toBe(3);
    expect(call('strings.count', 'dummy', '')).toBe(6);
    expect(call('strings.count', '', '')).toBe(1);
    expect(call('strings.count', '11111', '11')).toBe(2);
    expect(call('strings.reverse', '1😀𝛾')).toBe('𝛾😀1');
    expect(call('strings.reverse', '2\ufe0f\u20e3')).toBe('\u20e3\ufe0f2');
    expect(() => call('strings.reverse', 123)).toThrow('strings.reverse: operand 1 must be string but got number');
  });
});
