// Set operators (`&` is "and", `|` is "or") and intersection/union of a set of sets. Set
// difference (`-`) shares the "minus" builtin with subtraction, see numbers.ts.

import { RSet, type Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { def, set } from './helpers.ts';
import { setDifference } from './numbers.ts';

export function intersect(a: RSet, b: RSet): RSet {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out = new RSet();
  for (const v of small.values()) if (large.has(v)) out.add(v);
  return out;
}

export function unite(a: RSet, b: RSet): RSet {
  const out = new RSet();
  for (const v of a.values()) out.add(v);
  for (const v of b.values()) out.add(v);
  return out;
}

function reduceSets(name: string, v: Value, op: (a: RSet, b: RSet) => RSet): RSet {
  const outer = set(name, v, 1);
  let result: RSet | undefined;
  for (const x of outer.values()) {
    const s = set(name, x, 1);
    result = result === undefined ? s : op(result, s);
  }
  return result ?? new RSet();
}

export const setBuiltins: BuiltinDef[] = [
  def('and', 2, ([a, b]) => intersect(set('and', a!, 1), set('and', b!, 2))),
  def('or', 2, ([a, b]) => unite(set('or', a!, 1), set('or', b!, 2))),
  def('set_diff', 2, ([a, b]) => setDifference(set('set_diff', a!, 1), set('set_diff', b!, 2))),
  def('intersection', 1, ([v]) => reduceSets('intersection', v!, intersect)),
  def('union', 1, ([v]) => reduceSets('union', v!, unite)),
];
