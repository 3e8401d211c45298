// array.concat, array.flatten, array.reverse, array.slice.

import type { Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
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
  def('array.concat', 2, ([a, b]) => [...arr('array.concat', a!, 1), ...arr('array.concat', b!, 2)]),
  def('array.flatten', 1, ([a]) => arr('array.flatten', a!, 1).flatMap((x) => (Array.isArray(x) ? x : [x]))),
  def('array.reverse', 1, ([a]) => [...arr('array.reverse', a!, 1)].reverse()),
  def('array.slice', 3, slice),
];
