import { describe, expect, it } from 'vitest';
import { BuiltinError } from '../types.ts';
import { call } from './test-helpers.ts';

describe('regex builtins', () => {
  it('matches with RE2 syntax', () => {
    expect(call('regex.match', '^[a-z]+\\[[0-9]+\\]$', 'foo[1]')).toBe(true);
    expect(call('regex.match', '^$', '')).toBe(true);
    expect(call('regex.match', '', 'x')).toBe(true);
    expect(call('regex.match', '^$', 'something')).toBe(false);
    expect(call('re_match', '(?i)^abc\\z', 'ABC')).toBe(true);
    expect(call('regex.match', '^[[:alpha:]]+$', 'abc')).toBe(true);
    expect(call('regex.match', '(?P<x>a)b', 'ab')).toBe(true);
    expect(call('regex.match', '^.$', '😀')).toBe(true);
  });

  it('reports Go parse errors and rejects lookarounds and backreferences', () => {
    expect(() => call('re_match', '][', 'x')).toThrow(
      new BuiltinError('re_match', 'error parsing regexp: missing closing ]: `[`'),
    );
    expect(() => call('regex.match', '(?=a)', 'x')).toThrow('invalid or unsupported Perl syntax');
    expect(() => call('regex.match', '(a)\\1', 'x')).toThrow('invalid escape sequence');
    expect(call('regex.is_valid', '++')).toBe(false);
    expect(call('regex.is_valid', '.+')).toBe(true);
    expect(call('regex.is_valid', 10)).toBe(false);
  });

  it('splits like Go', () => {
    expect(call('regex.split', '^[a-z]+\\[[0-9]+\\]$', '')).toEqual(['']);
    expect(call('regex.split', '^[a-z]+', 'foobar baz')).toEqual(['', ' baz']);
    expect(call('regex.split', '[a-z]+$', 'foobar baz')).toEqual(['foobar ', '']);
    expect(call('regex.split', '^[a-z]+$', 'foobar baz')).toEqual(['foobar baz']);
    expect(call('regex.split', '^[a-z ]+$', 'foobar baz')).toEqual(['', '']);
    expect(call('regex.split', 'a', 'banana')).toEqual(['b', 'n', 'n', '']);
    expect(call('regex.split', 'z+', 'pizza')).toEqual(['pi', 'a']);
  });

  it('finds matches and submatches', () => {
    expect(call('regex.find_n', 'a.', 'paranormal', -1)).toEqual(['ar', 'an', 'al']);
    expect(call('regex.find_n', 'a.', 'paranormal', 2)).toEqual(['ar', 'an']);
    expect(call('regex.find_n', 'a.', 'paranormal', 0)).toEqual([]);
    expect(call('regex.find_n', '^a.', 'abacadaeaf', -1)).toEqual(['ab']);
    expect(call('regex.find_n', '.$', 'abacadaeaf', -1)).toEqual(['f']);
    expect(call('regex.find_n', '[abcdef]{2}', 'abacadaeaf', -1)).toEqual(['ab', 'ac', 'ad', 'ae', 'af']);
    expect(call('regex.find_n', 'bork', 'paranormal', -1)).toEqual([]);
    expect(call('regex.find_n', 'a.', '😀a😀ab', -1)).toEqual(['a😀', 'ab']);
    expect(call('regex.find_all_string_submatch_n', 'a(x*)b', '-ab-axb-', -1)).toEqual([
      ['ab', ''],
      ['axb', 'x'],
    ]);
    expect(call('regex.find_all_string_submatch_n', '[^aouiye]([aouiye])([^aouiye])?', 'somestri', -1)).toEqual([
      ['som', 'o', 'm'],
      ['ri', 'i', ''],
    ]);
    expect(call('regex.find_all_string_submatch_n', 'a(x*)b', '-', -1)).toEqual([]);
  });

  it('replaces with Go templates', () => {
    expect(call('regex.replace', '-wy-wxxy-', 'w(x*)y', '0')).toBe('-0-0-');
    expect(call('regex.replace', 'foo', '(foo)', '$1$1')).toBe('foofoo');
    expect(call('regex.replace', 'foo', '^[a-z]', 'F')).toBe('Foo');
    expect(call('regex.replace', 'foo', '^[a-z]$', 'F')).toBe('foo');
    expect(call('regex.replace', 'foo', '[a-z]$', 'F')).toBe('foF');
    expect(call('regex.replace', 'foo bar', '[a-z]', '_')).toBe('___ ___');
    expect(call('regex.replace', 'foo barx', '[a-z]{2}', '_')).toBe('_o __');
    expect(call('regex.replace', 'abc', 'x*', '-')).toBe('-a-b-c-');
    expect(call('regex.replace', 'ab', '(?P<l>a)', '[${l}]$$$1x')).toBe('[a]$b');
    expect(() => call('regex.replace', 'foo', '[', '$1')).toThrow('missing closing ]');
  });

  it('matches templates', () => {
    expect(call('regex.template_match', 'urn:foo:{.*}', 'urn:foo:bar:baz', '{', '}')).toBe(true);
    expect(call('regex.template_match', 'urn:foo:<.*>', 'urn:foo:bar:baz', '<', '>')).toBe(true);
    expect(call('regex.template_match', 'urn:foo.<[0-9]{2}>', 'urn:fooX12', '<', '>')).toBe(false);
    expect(() => call('regex.template_match', 'urn:{x', 'urn:x', '{', '}')).toThrow('unbalanced braces in "urn:{x"');
    expect(() => call('regex.template_match', 'x', 'x', '{{', '}')).toThrow(
      'start delimiter has to be exactly one character long but is 2 long',
    );
  });

  it('intersects globs (regex.globs_match)', () => {
    expect(call('regex.globs_match', 'a.a.[0-9]+z', '.b.b2359825792*594823z')).toBe(true);
    expect(call('regex.globs_match', '[a-z]+', '[0-9]*')).toBe(false);
    expect(call('regex.globs_match', 'b.*', 'bar')).toBe(true);
    expect(call('regex.globs_match', '[a-z]+\\[[0-9]+\\]', 'foo\\[1\\]')).toBe(true);
    expect(call('regex.globs_match', '[a-z]+\\[[0-9]+\\]', 'foo["bar"]')).toBe(false);
    expect(() => call('regex.globs_match', 'pqrs]', '[a-b]+')).toThrow(
      "input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid",
    );
    expect(() => call('regex.globs_match', '*a', 'a')).toThrow("flag '*' must be preceded by a non-flag");
    expect(() => call('regex.globs_match', '[ab', 'a')).toThrow('found [ without matching ]');
  });
});

describe('glob builtins', () => {
  const m = (p: string, d: unknown, s: string) => call('glob.match', p, d, s);
  it('matches with delimiters', () => {
    expect(m('*.github.com', ['.'], 'api.github.com')).toBe(true);
    expect(m('*.github.com', ['.'], 'api.not-github.com')).toBe(false);
    expect(m('api.**.com', ['.'], 'api.cdn.github.com')).toBe(true);
    expect(m('*:github:com', [':'], 'api:github:com')).toBe(true);
    expect(m('*', ['.'], 'foo.bar')).toBe(false);
    expect(m('*', [], 'foo.bar')).toBe(false);
    expect(m('*', null, 'foo.bar')).toBe(true);
    expect(m('foo*', null, 'foo.bar')).toBe(true);
    expect(m('?at', ['f'], 'fat')).toBe(false);
    expect(m('?at', ['f'], 'bat')).toBe(true);
    expect(m('?at', [], 'at')).toBe(false);
  });

  it('matches character classes and alternatives', () => {
    expect(m('[abc]at', [], 'cat')).toBe(true);
    expect(m('[!abc]at', [], 'cat')).toBe(false);
    expect(m('[!abc]at', [], 'fat')).toBe(true);
    expect(m('[a-c]at', [], 'bat')).toBe(true);
    expect(m('[!a-c]at', [], 'bat')).toBe(false);
    for (const s of ['cat', 'bat', 'fat', 'rat']) expect(m('{cat,bat,[fr]at}', [], s)).toBe(true);
    expect(m('{cat,bat,[fr]at}', [], 'at')).toBe(false);
    expect(m('a{b,{c,d}e}', [], 'ade')).toBe(true);
    expect(m('a,b}', [], 'a,b}')).toBe(true);
    expect(m('\\*x', [], '*x')).toBe(true);
    expect(m('\\*x', [], 'ax')).toBe(false);
  });

  it('reports bad patterns and delimiters', () => {
    expect(() => m('[abc', [], 'a')).toThrow('glob.match: unexpected end of input');
    expect(() => m('[]', [], 'a')).toThrow('could not parse range');
    expect(() => m('*', ['ab'], 'a')).toThrow('operand 2 must be array of runes but got array containing string');
    expect(() => m('*', 'x', 'a')).toThrow('operand 2 must be one of {array, null} but got string');
  });

  it('quotes meta characters', () => {
    expect(call('glob.quote_meta', '*.github.com')).toBe('\\*.github.com');
    expect(call('glob.quote_meta', '{a,b}[c]?\\')).toBe('\\{a,b\\}\\[c\\]\\?\\\\');
  });
});
