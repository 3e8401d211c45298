import { describe, expect, it } from 'vitest';
import { RSet } from '../../value.ts';
import { BuiltinError, BuiltinTypeError } from '../types.ts';
import { call } from './test-helpers.ts';

describe('arithmetic', () => {
  it('adds, subtracts and multiplies integers exactly beyond 2^53', () => {
    expect(call('plus', 18446744073709551617n, 1)).toBe(18446744073709551618n);
    expect(call('minus', 18446744073709551617n, 1)).toBe(18446744073709551616n);
    expect(call('mul', 18446744073709551617n, 2)).toBe(36893488147419103234n);
    expect(call('plus', 9007199254740991, 1)).toBe(9007199254740992n);
    expect(call('minus', -18446744073709551617n, 1)).toBe(-18446744073709551618n);
    expect(call('plus', 49649733057, 1)).toBe(49649733058);
  });

  it('computes decimals like OPA (exact, then rounded once)', () => {
    expect(call('plus', 0.1, 0.2)).toBe(0.3);
    expect(call('plus', 1.5, 2.5)).toBe(4);
    expect(call('plus', 1, 2.5)).toBe(3.5);
    expect(call('mul', 2.5, 2)).toBe(5);
    expect(call('mul', 1.1, 3)).toBe(3.3);
  });

  it('divides', () => {
    expect(call('div', 6, 3)).toBe(2);
    expect(call('div', 1, 4)).toBe(0.25);
    expect(call('div', 1e109, 1e100)).toBeCloseTo(1e9);
    expect(call('div', 10n ** 30n, 10n ** 20n)).toBe(10000000000);
    expect(() => call('div', 1, 0)).toThrow(new BuiltinError('div', 'divide by zero'));
    expect(() => call('div', 1, 0.0)).toThrow('div: divide by zero');
  });

  it('takes remainders of integers only', () => {
    expect(call('rem', 7, 4)).toBe(3);
    expect(call('rem', -7, 4)).toBe(-3);
    expect(call('rem', 10, 18446744073709551616n)).toBe(10);
    expect(call('rem', 100, -18446744073709551616n)).toBe(100);
    expect(call('rem', 18446744073709551617n, 18446744073709551616n)).toBe(1);
    expect(call('rem', 7, 340282366920938463463374607431768211456n)).toBe(7);
    expect(() => call('rem', 7, 0)).toThrow('rem: modulo by zero');
    expect(() => call('rem', 1.1, 1)).toThrow('rem: modulo on floating-point number');
  });

  it('rounds, ceils and floors', () => {
    expect(call('round', 2.5)).toBe(3);
    expect(call('round', -2.5)).toBe(-3);
    expect(call('round', 0.49999999999999994)).toBe(0);
    expect(call('round', 1)).toBe(1);
    expect(call('ceil', 1.01)).toBe(2);
    expect(call('ceil', -1.99999)).toBe(-1);
    expect(call('ceil', 2222.2222222222)).toBe(2223);
    expect(call('floor', -1.001)).toBe(-2);
    expect(call('floor', 99.99999)).toBe(99);
    expect(call('abs', -10)).toBe(10);
    expect(call('abs', -18446744073709551617n)).toBe(18446744073709551617n);
  });

  it('reports operand types like OPA', () => {
    expect(() => call('plus', 'a', 1)).toThrow(new BuiltinTypeError('plus', 'operand 1 must be number but got string'));
    expect(() => call('minus', new RSet().add(1), 1)).toThrow('operand 2 must be set but got number');
    expect(() => call('minus', 1, new RSet().add(1))).toThrow('operand 2 must be number but got set');
    expect(() => call('minus', 'x', 1)).toThrow('operand 1 must be one of {number, set} but got string');
  });

  it('takes set differences with minus', () => {
    const r = call('minus', new Set([1, 2, 3, 4]), new Set([1, 3]));
    expect(r).toBeInstanceOf(RSet);
    expect((r as RSet).values()).toEqual([2, 4]);
  });
});

describe('numbers.range and numbers.range_step', () => {
  it('counts up and down, inclusive', () => {
    expect(call('numbers.range', -2, 3)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(call('numbers.range', 2, -3)).toEqual([2, 1, 0, -1, -2, -3]);
    expect(call('numbers.range', 0, 0)).toEqual([0]);
    expect(call('numbers.range_step', 0, -10, 2)).toEqual([0, -2, -4, -6, -8, -10]);
    expect(call('numbers.range_step', 2, 5, 2)).toEqual([2, 4]);
    expect(call('numbers.range_step', 0, 10, 99999999999999999999n)).toEqual([0]);
  });

  it('rejects fractions and non-positive steps', () => {
    expect(() => call('numbers.range', 3.14, 4)).toThrow(
      'numbers.range: operand 1 must be integer number but got floating-point number',
    );
    expect(() => call('numbers.range', 3, 3.14)).toThrow('operand 2 must be integer number but got floating-point number');
    expect(() => call('numbers.range_step', 0, 10, -2)).toThrow('numbers.range_step: step must be a positive integer');
  });
});

describe('rand.intn', () => {
  it('is stable for the same arguments within one evaluation', async () => {
    const { coreBuiltins } = await import('./index.ts');
    const { makeContext } = await import('./test-helpers.ts');
    const b = coreBuiltins.find((x) => x.name === 'rand.intn')!;
    const ctx = makeContext();
    const first = b.impl(['key', 100], ctx);
    for (let i = 0; i < 20; i++) expect(b.impl(['key', 100], ctx)).toBe(first);
    expect(b.impl(['key', 0], ctx)).toBe(0);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(100);
  });
});
