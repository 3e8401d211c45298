// Arithmetic (plus, minus, mul, div, rem, abs, round, ceil, floor) and number generators
// (numbers.range, numbers.range_step, rand.intn). Integers are exact at any size; other numbers
// are computed as exact decimals and rounded once (see decimal.ts).

import { normalizeNumber, RSet, type RNumber, type Value } from '../../value.ts';
import type { BuiltinDef, BuiltinContext } from '../types.ts';
import { charge } from '../work.ts';
import {
  decAdd,
  decCeil,
  decDiv,
  decFloor,
  decMul,
  decRound,
  decSub,
  fromDec,
  toDec,
  type Dec,
} from './decimal.ts';
import { bigIntOperand, checkIntegerSize, def, fail, intOperand, isInteger, num, str, typeError } from './helpers.ts';

function asBig(n: RNumber): bigint {
  return typeof n === 'bigint' ? n : BigInt(n);
}

function bothSafe(a: RNumber, b: RNumber): a is number {
  return typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b);
}

export function add(a: RNumber, b: RNumber): RNumber {
  if (bothSafe(a, b)) {
    const r = a + (b as number);
    if (Number.isSafeInteger(r)) return r;
  }
  if (isInteger(a) && isInteger(b)) return normalizeNumber(asBig(a) + asBig(b));
  return fromDec(decAdd(toDec(a), toDec(b)));
}

export function subtract(a: RNumber, b: RNumber): RNumber {
  if (bothSafe(a, b)) {
    const r = a - (b as number);
    if (Number.isSafeInteger(r)) return r;
  }
  if (isInteger(a) && isInteger(b)) return normalizeNumber(asBig(a) - asBig(b));
  return fromDec(decSub(toDec(a), toDec(b)));
}

export function multiply(a: RNumber, b: RNumber): RNumber {
  if (bothSafe(a, b)) {
    const r = a * (b as number);
    if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
  }
  if (isInteger(a) && isInteger(b)) return normalizeNumber(checkIntegerSize('mul', asBig(a) * asBig(b)));
  return fromDec(decMul(toDec(a), toDec(b)));
}

function divide(a: RNumber, b: RNumber): RNumber {
  const name = 'div';
  if (isInteger(a) && isInteger(b)) {
    const x = asBig(a);
    const y = asBig(b);
    if (y === 0n) throw fail(name, 'divide by zero');
    if (x % y === 0n) return normalizeNumber(x / y);
  }
  const d: Dec = toDec(b);
  if (d.m === 0n) throw fail(name, 'divide by zero');
  return fromDec(decDiv(toDec(a), d));
}

function remainder(a: RNumber, b: RNumber): RNumber {
  const name = 'rem';
  if (!isInteger(a) || !isInteger(b)) throw fail(name, 'modulo on floating-point number');
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) throw fail(name, 'modulo by zero');
    const r = a % b;
    return r === 0 ? 0 : r; // no -0
  }
  const y = asBig(b);
  if (y === 0n) throw fail(name, 'modulo by zero');
  return normalizeNumber(asBig(a) % y);
}

function binary(name: string, op: (a: RNumber, b: RNumber) => RNumber): BuiltinDef {
  return def(name, 2, ([a, b]) => op(num(name, a!, 1), num(name, b!, 2)));
}

function unary(name: string, op: (a: RNumber) => RNumber): BuiltinDef {
  return def(name, 1, ([a]) => op(num(name, a!, 1)));
}

/** `-` is both number subtraction and set difference. */
function minus([a, b]: Value[], ctx: BuiltinContext): Value {
  const name = 'minus';
  const aNum = typeof a === 'number' || typeof a === 'bigint';
  const bNum = typeof b === 'number' || typeof b === 'bigint';
  if (aNum && bNum) return subtract(a as RNumber, b as RNumber);
  if (a instanceof RSet && b instanceof RSet) return setDifference(a, b, ctx);
  // Same precedence of complaints as OPA's builtinMinus.
  if (!aNum && !(a instanceof RSet)) throw typeError(name, 1, a!, 'number', 'set');
  if (bNum) throw typeError(name, 2, b!, 'set');
  throw typeError(name, 2, b!, 'number');
}

export function setDifference(a: RSet, b: RSet, ctx?: BuiltinContext): RSet {
  charge(ctx, a.size);
  const out = new RSet();
  for (const v of a.values()) if (!b.has(v)) out.add(v);
  return out;
}

function range(x: bigint, y: bigint, step: bigint, ctx: BuiltinContext): Value[] {
  const out: Value[] = [];
  if (x <= y) {
    for (let i = x; i <= y; i += step) {
      charge(ctx, 1);
      out.push(normalizeNumber(i));
    }
  } else {
    for (let i = x; i >= y; i -= step) {
      charge(ctx, 1);
      out.push(normalizeNumber(i));
    }
  }
  return out;
}

function randIntn([s, n]: Value[], ctx: BuiltinContext): Value {
  const name = 'rand.intn';
  const key = str(name, s!, 1);
  let bound = intOperand(name, n!, 2);
  if (bound === 0) return 0;
  if (bound < 0) bound = -bound;
  const cacheKey = `rand.intn\u0000${key}-${bound}`;
  const cached = ctx.cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const result = Math.floor(Math.random() * bound);
  ctx.cache.set(cacheKey, result);
  return result;
}

export const numberBuiltins: BuiltinDef[] = [
  binary('plus', add),
  def('minus', 2, minus),
  binary('mul', multiply),
  binary('div', divide),
  binary('rem', remainder),
  unary('abs', (a) => (typeof a === 'bigint' ? (a < 0n ? -a : a) : Math.abs(a))),
  unary('round', (a) => (isInteger(a) ? a : normalizeNumber(decRound(toDec(a))))),
  unary('ceil', (a) => (isInteger(a) ? a : normalizeNumber(decCeil(toDec(a))))),
  unary('floor', (a) => (isInteger(a) ? a : normalizeNumber(decFloor(toDec(a))))),
  def('numbers.range', 2, ([a, b], ctx) => {
    const name = 'numbers.range';
    return range(bigIntOperand(name, a!, 1), bigIntOperand(name, b!, 2), 1n, ctx);
  }),
  def('numbers.range_step', 3, ([a, b, s], ctx) => {
    const name = 'numbers.range_step';
    const x = bigIntOperand(name, a!, 1);
    const y = bigIntOperand(name, b!, 2);
    const step = bigIntOperand(name, s!, 3);
    if (step <= 0n) throw fail(name, 'step must be a positive integer');
    return range(x, y, step, ctx);
  }),
  def('rand.intn', 2, randIntn, true),
];
