// count, sum, product, max, min, sort and the deprecated all/any.

import { compare, normalizeNumber, RObject, RSet, type RNumber, type Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { charge, chargedComparator, textUnits } from '../work.ts';
import { decAdd, decMul, fromDec, toDec, type Dec } from './decimal.ts';
import { checkIntegerSize, def, elementError, elements, isInteger, typeError } from './helpers.ts';

function collection(name: string, v: Value, ctx: BuiltinContext): readonly Value[] {
  if (Array.isArray(v) || v instanceof RSet) {
    const items = elements(v);
    charge(ctx, items.length);
    return items;
  }
  throw typeError(name, 1, v, 'set', 'array');
}

function numbers(name: string, v: Value, ctx: BuiltinContext): RNumber[] {
  const items = collection(name, v, ctx);
  return items.map((x) => {
    if (typeof x !== 'number' && typeof x !== 'bigint') throw elementError(name, 1, v, x, 'number');
    return x;
  });
}

/** Folds with exact integers when every element is one, else with exact decimals. */
function fold(
  name: string,
  ns: RNumber[],
  init: bigint,
  intOp: (a: bigint, b: bigint) => bigint,
  decOp: (a: Dec, b: Dec) => Dec,
): RNumber {
  if (ns.every(isInteger)) {
    let acc = init;
    for (const n of ns) acc = checkIntegerSize(name, intOp(acc, typeof n === 'bigint' ? n : BigInt(n)));
    return normalizeNumber(acc);
  }
  let acc: Dec = { m: init, e: 0 };
  for (const n of ns) acc = decOp(acc, toDec(n));
  return fromDec(acc);
}

function count([v]: Value[], ctx: BuiltinContext): Value {
  if (Array.isArray(v)) return v.length;
  if (v instanceof RObject || v instanceof RSet) return v.size;
  if (typeof v === 'string') {
    charge(ctx, textUnits(v));
    let n = 0;
    for (const _ of v) n++;
    return n;
  }
  throw typeError('count', 1, v!, 'array', 'object', 'set', 'string');
}

function extreme(name: string, v: Value, pick: (c: number) => boolean, ctx: BuiltinContext): Value | undefined {
  const items = collection(name, v, ctx);
  if (items.length === 0) return undefined;
  let best: Value = items[0] as Value;
  for (const x of items) if (pick(compare(x, best))) best = x;
  return best;
}

function truthTest(name: string, v: Value, wantAll: boolean): boolean {
  if (!Array.isArray(v) && !(v instanceof RSet)) throw typeError(name, 1, v, 'array', 'set');
  const items = elements(v);
  return wantAll ? items.every((x) => x === true) : items.some((x) => x === true);
}

export const aggregateBuiltins: BuiltinDef[] = [
  def('count', 1, count),
  def('sum', 1, ([v], ctx) =>
    fold('sum', numbers('sum', v!, ctx), 0n, (a, b) => a + b, decAdd),
  ),
  def('product', 1, ([v], ctx) =>
    fold('product', numbers('product', v!, ctx), 1n, (a, b) => a * b, decMul),
  ),
  def('max', 1, ([v], ctx) => extreme('max', v!, (c) => c > 0, ctx)),
  def('min', 1, ([v], ctx) => extreme('min', v!, (c) => c < 0, ctx)),
  def('sort', 1, ([v], ctx) => {
    if (v instanceof RSet) return [...collection('sort', v, ctx)]; // already in order
    return [...collection('sort', v!, ctx)].sort(chargedComparator(ctx, compare));
  }),
  def('all', 1, ([v]) => truthTest('all', v!, true)),
  def('any', 1, ([v]) => truthTest('any', v!, false)),
];
