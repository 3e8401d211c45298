// Set operators (`&` is "and", `|` is "or") and intersection/union of a set of sets. Set
// difference (`-`) shares the "minus" builtin with subtraction, see numbers.ts.

import { RSet, type Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { charge } from '../work.ts';
import { def, set } from './helpers.ts';
import { setDifference } from './numbers.ts';

export function intersect(a: RSet, b: RSet, ctx?: BuiltinContext): RSet {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  charge(ctx, small.size);
  const out = new RSet();
  for (const v of small.values()) if (large.has(v)) out.add(v);
  return out;
}

export function unite(a: RSet, b: RSet, ctx?: BuiltinContext): RSet {
  charge(ctx, a.size + b.size);
  const out = new RSet();
  for (const v of a.values()) out.add(v);
  for (const v of b.values()) out.add(v);
  return out;
}

/** union of a set of sets: one result set filled in place (not a new set per member). */
function unionAll(v: Value, ctx: BuiltinContext): RSet {
  const name = 'union';
  const outer = set(name, v, 1);
  const out = new RSet();
  for (const x of outer.values()) {
    const s = set(name, x, 1);
    charge(ctx, s.size + 1);
    for (const m of s.values()) out.add(m);
  }
  return out;
}

function intersectAll(v: Value, ctx: BuiltinContext): RSet {
  const name = 'intersection';
  const outer = set(name, v, 1);
  let result: RSet | undefined;
  for (const x of outer.values()) {
    const s = set(name, x, 1);
    result = result === undefined ? s : intersect(result, s, ctx);
  }
  return result ?? new RSet();
}

export const setBuiltins: BuiltinDef[] = [
  def('and', 2, ([a, b], ctx) => intersect(set('and', a!, 1), set('and', b!, 2), ctx)),
  def('or', 2, ([a, b], ctx) => unite(set('or', a!, 1), set('or', b!, 2), ctx)),
  def('set_diff', 2, ([a, b], ctx) => setDifference(set('set_diff', a!, 1), set('set_diff', b!, 2), ctx)),
  def('intersection', 1, ([v], ctx) => intersectAll(v!, ctx)),
  def('union', 1, ([v], ctx) => unionAll(v!, ctx)),
];
