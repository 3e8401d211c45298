import { describe, expect, it } from 'vitest';
import { call, same } from './test-helpers.ts';

describe('base64 and hex', () => {
  it('encodes and decodes', () => {
    expect(call('base64.encode', 'hello')).toBe('aGVsbG8=');
    expect(call('base64.encode', 'subjects?_d')).toBe('c3ViamVjdHM/X2Q=');
    expect(call('base64.decode', 'c3ViamVjdHM/X2Q=')).toBe('subjects?_d');
    expect(call('base64.decode', 'aGVs\nbG8=')).toBe('hello');
    expect(call('base64.encode', 'åäö')).toBe('w6XDpMO2');
    expect(call('base64.is_valid', 'aGVsbG8=')).toBe(true);
    expect(call('base64.is_valid', "{'not':'base64'}")).toBe(false);
    expect(call('base64.is_valid', 'aGVsbG8')).toBe(false);
    expect(call('base64.is_valid', 1)).toBe(false);
    expect(() => call('base64.decode', 'aGVsbG8')).toThrow('base64.decode: illegal base64 data at input byte 4');
    expect(() => call('base64.decode', 'a!==')).toThrow('illegal base64 data at input byte 1');
    expect(() => call('base64.decode', 'aGVsbG8=x')).toThrow('illegal base64 data at input byte 8');
  });

  it('handles base64url with and without padding', () => {
    expect(call('base64url.encode', 'hello')).toBe('aGVsbG8=');
    expect(call('base64url.encode_no_pad', 'there')).toBe('dGhlcmU');
    expect(call('base64url.decode', 'aGVsbG8=')).toBe('hello');
    expect(call('base64url.decode', 'aGVsbG8')).toBe('hello');
    expect(call('base64url.encode', '\u00fb\u00ff')).toBe('w7vDvw==');
    expect(() => call('base64url.decode', 'a')).toThrow('illegal base64url string: a');
  });

  it('hex', () => {
    expect(call('hex.encode', 'lorem ipsum')).toBe('6c6f72656d20697073756d');
    expect(call('hex.decode', '6c6f72656d20697073756d')).toBe('lorem ipsum');
    expect(() => call('hex.decode', 'fghijkl')).toThrow("hex.decode: encoding/hex: invalid byte: U+0067 'g'");
    expect(() => call('hex.decode', 'abc')).toThrow('encoding/hex: odd length hex string');
  });
});

describe('urlquery', () => {
  it('escapes like Go', () => {
    expect(call('urlquery.encode', 'a=b+1')).toBe('a%3Db%2B1');
    expect(call('urlquery.encode', 'a b~ä')).toBe('a+b~%C3%A4');
    expect(call('urlquery.encode', '')).toBe('');
    expect(call('urlquery.decode', 'a%3Db%2B1+x')).toBe('a=b+1 x');
    expect(() => call('urlquery.decode', '%zz')).toThrow('invalid URL escape "%zz"');
  });

  it('encodes and decodes objects', () => {
    expect(call('urlquery.encode_object', {})).toBe('');
    expect(call('urlquery.encode_object', { c: 'd', a: 'b' })).toBe('a=b&c=d');
    expect(call('urlquery.encode_object', { a: ['b+1', 'c+2'] })).toBe('a=b%2B1&a=c%2B2');
    expect(call('urlquery.encode_object', { a: new Set(['b+1']) })).toBe('a=b%2B1');
    expect(() => call('urlquery.encode_object', { a: 1 })).toThrow(
      'operand 1 values must be string, array[string], or set[string]',
    );
    expect(same(call('urlquery.decode_object', 'a=value_a1&b=value_b&a=value_a2'), { a: ['value_a1', 'value_a2'], b: ['value_b'] })).toBe(
      true,
    );
    expect(same(call('urlquery.decode_object', 'a=value_a1&b'), { a: ['value_a1'], b: [''] })).toBe(true);
    expect(same(call('urlquery.decode_object', ''), {})).toBe(true);
    expect(() => call('urlquery.decode_object', 'a=1;b=2')).toThrow('invalid semicolon separator in query');
  });
});
