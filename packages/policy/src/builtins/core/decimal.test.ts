import { describe, expect, it } from 'vitest';
import { decCeil, decDiv, decFloor, decRound, fromDec, parseDec, toDec } from './decimal.ts';

describe('exact decimals', () => {
  it('parses decimal text', () => {
    expect(parseDec('-12.50e1')).toEqual({ m: -1250n, e: -1 });
    expect(parseDec('.5')).toEqual({ m: 5n, e: -1 });
    expect(parseDec('5.')).toEqual({ m: 5n, e: 0 });
    expect(parseDec('007')).toEqual({ m: 7n, e: 0 });
    for (const bad of ['', '.', 'e5', '1e', '1.2.3', '0x10', ' 1']) expect(parseDec(bad)).toBeUndefined();
  });

  it('converts back to exact integers or the nearest double', () => {
    expect(fromDec(parseDec('1e3')!)).toBe(1000);
    expect(fromDec(parseDec('123456789012345678901234567890')!)).toBe(123456789012345678901234567890n);
    expect(fromDec(parseDec('2.50')!)).toBe(2.5);
    expect(fromDec(toDec(0.1))).toBe(0.1);
    expect(fromDec(decDiv(toDec(1), toDec(3)))).toBe(1 / 3);
    expect(fromDec(decDiv(toDec(10), toDec(4)))).toBe(2.5);
  });

  it('rounds toward the right integers', () => {
    expect(decRound(toDec(-0.5))).toBe(-1n);
    expect(decRound(toDec(0.49999999999999994))).toBe(0n);
    expect(decFloor(toDec(-0.1))).toBe(-1n);
    expect(decCeil(toDec(-0.1))).toBe(0n);
    expect(decCeil(toDec(3))).toBe(3n);
  });
});
