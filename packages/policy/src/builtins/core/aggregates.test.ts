import { describe, expect, it } from 'vitest';
import { RObject, RSet } from '../../value.ts';
import { decodeUTF8 } from './helpers.ts';
import { call, same } from './test-helpers.ts';

describe('aggregates', () => {
  it('counts collections and runes', () => {
    expect(call('count', [1, 2, 3, 4])).toBe(4);
    expect(call('count', { v1: 'hello', v2: 'goodbye' })).toBe(2);
    expect(call('count', new Set([1, 2]))).toBe(2);
    expect(call('count', 'åäö')).toBe(3);
    expect(call('count', '😀x')).toBe(2);
    expect(() => call('count', null)).toThrow('operand 1 must be one of {array, object, set, string} but got null');
    expect(() => call('count', 5)).toThrow('count: operand 1 must be one of {array, object, set, string} but got number');
  });

  it('counts invalid UTF-8 bytes one rune each, like Go', () => {
    const bytes = Uint8Array.from(Buffer.from('2E84ZuPUd7zfvCZSNEchVpDEIj6PL7JfLpIqyxVG16k=', 'base64'));
    expect(call('count', decodeUTF8(bytes))).toBe(30);
  });

  it('sums and multiplies exactly', () => {
    expect(call('sum', [1, 2, 3, 4])).toBe(10);
    expect(call('sum', new Set([1, 2, 3, 4]))).toBe(10);
    expect(call('sum', [49649733057, 1])).toBe(49649733058);
    expect(call('sum', [18446744073709551617n, 1])).toBe(18446744073709551618n);
    expect(call('sum', [9223372036854775807n, 1])).toBe(9223372036854775808n);
    expect(call('sum', [1.5, 2.5])).toBe(4);
    expect(call('sum', [1, 2.5])).toBe(3.5);
    expect(call('sum', [0.1, 0.2])).toBe(0.3);
    expect(call('product', [1, 2, 3, 4])).toBe(24);
    expect(call('product', [18446744073709551617n, 2])).toBe(36893488147419103234n);
    expect(call('product', [1.5, 2])).toBe(3);
    expect(call('sum', [])).toBe(0);
    expect(call('product', [])).toBe(1);
    expect(() => call('sum', [1, 'a'])).toThrow('sum: operand 1 must be array of numbers but got array containing string');
    expect(() => call('sum', 'a')).toThrow('operand 1 must be one of {set, array} but got string');
  });

  it('finds max and min by the total order, undefined when empty', () => {
    expect(call('max', [1, 2, 3, 4])).toBe(4);
    expect(call('min', [3, 2, 1, 4, 6, -7, 10])).toBe(-7);
    expect(call('max', [1, 'a', null])).toBe('a');
    expect(call('min', new Set([1, 2]))).toBe(1);
    expect(call('max', [])).toBeUndefined();
    expect(call('min', new Set())).toBeUndefined();
  });

  it('sorts', () => {
    expect(call('sort', [4, 3, 2, 1])).toEqual([1, 2, 3, 4]);
    expect(call('sort', new Set(['b', 'a']))).toEqual(['a', 'b']);
    expect(same(call('sort', [{ b: 1 }, 'x', [1], null, true]), [null, true, 'x', [1], { b: 1 }])).toBe(true);
  });

  it('all and any test for true', () => {
    expect(call('all', [])).toBe(true);
    expect(call('all', new Set([true]))).toBe(true);
    expect(call('all', [{}, '', true, true, 123])).toBe(false);
    expect(call('any', new Set())).toBe(false);
    expect(call('any', [true, {}, 'false'])).toBe(true);
    expect(call('any', [false])).toBe(false);
    expect(() => call('all', 'x')).toThrow('operand 1 must be one of {array, set} but got string');
  });
});

describe('sets', () => {
  const s = (...xs: unknown[]) => new Set(xs);
  it('intersects and unites', () => {
    expect(same(call('and', s(1, 2, 3), s(2, 3, 4)), s(2, 3))).toBe(true);
    expect(same(call('or', s(1), s(2)), s(1, 2))).toBe(true);
    expect(same(call('intersection', s(s(1, 2, 3), s(2))), s(2))).toBe(true);
    expect(same(call('intersection', s(s(1, 2, 3), s(2, 3, 4), s(4, 5, 6))), s())).toBe(true);
    expect(same(call('intersection', s()), s())).toBe(true);
    expect(same(call('union', s(s(), s(1, 2))), s(1, 2))).toBe(true);
    expect(same(call('union', s()), s())).toBe(true);
    expect(() => call('union', s(1))).toThrow('union: operand 1 must be set but got number');
    expect(call('set_diff', s(1, 2), s(2))).toBeInstanceOf(RSet);
  });
});

describe('arrays', () => {
  it('concatenates, flattens, reverses and slices', () => {
    expect(call('array.concat', [1, 2], [3, 4])).toEqual([1, 2, 3, 4]);
    expect(() => call('array.concat', { a: 1 }, [3])).toThrow('array.concat: operand 1 must be array but got object');
    expect(same(call('array.flatten', [[[1], [2, 3, []]], [[4, 5]]]), [[1], [2, 3, []], [4, 5]])).toBe(true);
    expect(same(call('array.flatten', [[1, 2], 'string', [3, { a: 'b' }], 4.5]), [1, 2, 'string', 3, { a: 'b' }, 4.5])).toBe(
      true,
    );
    expect(call('array.reverse', [1, 2, 3])).toEqual([3, 2, 1]);
    expect(() => call('array.reverse', new RObject())).toThrow('operand 1 must be array but got object');
    expect(call('array.slice', [1, 2, 3, 4, 5], 1, 3)).toEqual([2, 3]);
    expect(call('array.slice', [1, 2, 3, 4, 5], -4, -1)).toEqual([]);
    expect(call('array.slice', [1, 2, 3, 4, 5], 4, 1)).toEqual([]);
    expect(call('array.slice', [1, 2, 3, 4, 5], -1, 2)).toEqual([1, 2]);
    expect(call('array.slice', [1, 2, 3, 4, 5], 3, 6)).toEqual([4, 5]);
    expect(call('array.slice', [1, 2, 3], 1000, 2000)).toEqual([]);
  });
});

describe('types and casts', () => {
  it('tests types', () => {
    expect(call('is_number', 1.5)).toBe(true);
    expect(call('is_number', 10n ** 30n)).toBe(true);
    expect(call('is_number', null)).toBe(false);
    expect(call('is_string', 'x')).toBe(true);
    expect(call('is_boolean', false)).toBe(true);
    expect(call('is_array', new Set([1]))).toBe(false);
    expect(call('is_set', new Set([1]))).toBe(true);
    expect(call('is_object', {})).toBe(true);
    expect(call('is_null', null)).toBe(true);
    expect(['null', true, 1, 's', [1], new Set([1]), {}].map((v) => call('type_name', v === 'null' ? null : v))).toEqual([
      'null',
      'boolean',
      'number',
      'string',
      'array',
      'set',
      'object',
    ]);
  });

  it('converts to numbers', () => {
    expect(call('to_number', '-42.0')).toBe(-42);
    expect(call('to_number', false)).toBe(0);
    expect(call('to_number', true)).toBe(1);
    expect(call('to_number', null)).toBe(0);
    expect(call('to_number', 100.1)).toBe(100.1);
    expect(call('to_number', '3')).toBe(3);
    expect(call('to_number', '18446744073709551617')).toBe(18446744073709551617n);
    expect(call('to_number', '.5')).toBe(0.5);
    expect(call('to_number', '1e3')).toBe(1000);
    expect(call('to_number', '0x1p4')).toBe(16);
    expect(() => call('to_number', 'broken')).toThrow('to_number: strconv.ParseFloat: parsing "broken": invalid syntax');
    for (const s of ['nan', 'inf', '-inf', 'Infinity', '-Infinity', '-NaN', 'iNf']) {
      expect(() => call('to_number', s)).toThrow('operand 1 must be valid number string but got string');
    }
    expect(() => call('to_number', [1])).toThrow('operand 1 must be one of {null, boolean, number, string} but got array');
  });

  it('casts', () => {
    expect(call('cast_array', new Set([1, 2, 3]))).toEqual([1, 2, 3]);
    expect(same(call('cast_set', [1, 1, 1]), new Set([1]))).toBe(true);
    expect(() => call('cast_set', 'hello')).toThrow('operand 1 must be one of {array, set}');
    expect(call('cast_null', null)).toBe(null);
    expect(() => call('cast_null', {})).toThrow('operand 1 must be null but got object');
    expect(() => call('cast_string', [1])).toThrow('operand 1 must be string but got array');
    expect(() => call('cast_boolean', 1)).toThrow('operand 1 must be boolean but got number');
    expect(() => call('cast_object', [1])).toThrow('operand 1 must be object but got array');
  });
});
