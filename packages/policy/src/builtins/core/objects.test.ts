import { describe, expect, it } from 'vitest';
import { RObject } from '../../value.ts';
import { call, same } from './test-helpers.ts';

describe('object builtins', () => {
  it('object.get reads keys and paths', () => {
    expect(call('object.get', { a: 'b' }, 'a', 'c')).toBe('b');
    expect(call('object.get', { a: 'b' }, 'c', 'c')).toBe('c');
    expect(call('object.get', RObject.from([[1, 2]]), 1, 3)).toBe(2);
    expect(same(call('object.get', { a: 1 }, [], 2), { a: 1 })).toBe(true);
    expect(call('object.get', { a: { b: { c: 1 } } }, ['a', 'b', 'c'], 2)).toBe(1);
    expect(call('object.get', { a: { b: [1, 2, 3] } }, ['a', 'b', 'a'], 2)).toBe(2);
    expect(call('object.get', { a: { b: [{ c: 1 }] } }, ['a', 'b', 0, 'c'], 2)).toBe(1);
    const nonString = RObject.from([[1, RObject.from([['b', RObject.from([[[1, 2, 3], 1]])]])]]);
    expect(call('object.get', nonString, [1, 'b', [1, 2, 3]], 2)).toBe(1);
    expect(() => call('object.get', 'object', ['a'], 2)).toThrow('object.get: operand 1 must be object but got string');
  });

  it('object.keys, remove and filter', () => {
    expect(same(call('object.keys', { a: 1, b: 2 }), new Set(['a', 'b']))).toBe(true);
    expect(same(call('object.remove', { a: 1, b: { c: 3 }, d: 4 }, ['d', 'b']), { a: 1 })).toBe(true);
    expect(same(call('object.remove', { a: 1, b: { c: 3 }, d: 4 }, { b: 1, d: '' }), { a: 1 })).toBe(true);
    expect(same(call('object.remove', RObject.from([['a', 1], [[[7]], 2]]), new Set([[[7]]])), { a: 1 })).toBe(true);
    expect(same(call('object.filter', { a: 1, b: 2, c: 3, e: 9 }, ['a', 'e']), { a: 1, e: 9 })).toBe(true);
    expect(same(call('object.filter', { a: 7 }, {}), {})).toBe(true);
    expect(() => call('object.filter', ['a'], new Set(['a']))).toThrow('object.filter: operand 1 must be object but got array');
    expect(() => call('object.remove', { a: 1 }, 'foo')).toThrow('operand 2 must be one of {object, set, array} but got string');
  });

  it('object.union merges recursively, right side wins', () => {
    expect(same(call('object.union', { a: { b: { c: 1 } } }, { b: 2 }), { a: { b: { c: 1 } }, b: 2 })).toBe(true);
    expect(same(call('object.union', { a: 1 }, { a: { b: { c: 1 } }, d: 7 }), { a: { b: { c: 1 } }, d: 7 })).toBe(true);
    expect(
      same(call('object.union', { a: { b: { c: 1 } }, e: 1 }, { a: { b: 'foo', b1: 'bar' }, d: 7, e: 17 }), {
        a: { b: 'foo', b1: 'bar' },
        d: 7,
        e: 17,
      }),
    ).toBe(true);
    expect(() => call('object.union', [1], {})).toThrow('operand 1 must be object but got array');
    expect(
      same(call('object.union_n', [{ a: 1, b: 2, c: 3 }, { foo: 'baz', a: 'a', b: 2, d: 4 }, { a: 'final A!', e: 5 }]), {
        a: 'final A!',
        b: 2,
        c: 3,
        d: 4,
        e: 5,
        foo: 'baz',
      }),
    ).toBe(true);
    expect(same(call('object.union_n', [{ a: { b: 2 } }, { a: 4 }, { a: { c: 3 } }]), { a: { c: 3 } })).toBe(true);
    expect(() => call('object.union_n', [{ foo: 1 }, 'baz'])).toThrow('operand 1 must be array of objects but got array containing string');
  });

  it('object.subset', () => {
    expect(call('object.subset', { a: 5, b: 7, c: 15 }, { a: 5 })).toBe(true);
    expect(call('object.subset', { a: 5 }, { a: 5, b: 7 })).toBe(false);
    expect(
      call('object.subset', { a: 5, nested: { x: 10, set1: new Set([1, 2, 3, 4]), arr1: [6, 7, 8, 9] } }, { nested: { set1: new Set([4, 1]), arr1: [6, 7] } }),
    ).toBe(true);
    expect(call('object.subset', new Set([1, 2, 3, new Set(['a', 'b', 'c'])]), new Set([3, 2, new Set(['a', 'b'])]))).toBe(false);
    expect(call('object.subset', [1, 2, 3, 4, 5, 6], [3, 4, 5])).toBe(true);
    expect(call('object.subset', [1, 2, 3, 4, 5, 6], [4, 5, 6, 8])).toBe(false);
    expect(call('object.subset', [1, 2, 3, 4, 5, 6], new Set([4, 3, 2]))).toBe(true);
    expect(call('object.subset', [1, 2, 3, 4, 5, 6], new Set([9, 8, 7]))).toBe(false);
    expect(() => call('object.subset', new Set([1]), [1])).toThrow('both arguments object.subset must be of the same type or array and set');
  });
});
