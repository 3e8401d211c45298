// array.concat, array.flatten, array.reverse, array.slice.

import type { Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { charge } from '../work.ts';
import { arr, def, intOperand } from './helpers.ts';

function slice([a, start, stop]: Value[]): Value {
  const name = 'array.slice';
  const items = arr(name, a!, 1);
  let from = intOperand(name, start!, 2);
  let to = intOperand(name, stop!, 3);
  // Clamped like OPA: never an out-of-range error, and start never passes stop.
  to = Math.min(Math.max(to, 0), items.length);
  from = Math.min(Math.max(from, 0), to);
  return items.slice(from, to);
}

export const arrayBuiltins: BuiltinDef[] = [
  def('array.concat', 2, ([a, b], ctx) => {
    const x = arr('array.concat', a!, 1);
    const y = arr('array.concat', b!, 2);
    charge(ctx, x.length + y.length);
    return [...x, ...y];
  }),
  def('array.flatten', 1, ([a], ctx) => {
    const x = arr('array.flatten', a!, 1);
    charge(ctx, x.length);
    return x.flatMap((e) => (Array.isArray(e) ? e : [e]));
  }),
  def('array.reverse', 1, ([a], ctx) => {
    const x = arr('array.reverse', a!, 1);
    charge(ctx, x.length);
    return [...x].reverse();
  }),
  def('array.slice', 3, slice),
];
