// bits.* on integers of any size (OPA uses big.Int; shifts of negative numbers are arithmetic).

import { normalizeNumber, type Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { bigIntOperand, checkIntegerSize, def, fail, operandError } from './helpers.ts';

// A left shift beyond this many bits would need gigabytes; refuse it instead of exhausting memory.
const MAX_SHIFT = 1n << 24n;

function binary(name: string, op: (a: bigint, b: bigint) => bigint): BuiltinDef {
  return def(name, 2, ([a, b]) => normalizeNumber(op(bigIntOperand(name, a!, 1), bigIntOperand(name, b!, 2))));
}

function shift(name: string, left: boolean): BuiltinDef {
  return def(name, 2, ([a, b]: Value[]) => {
    const x = bigIntOperand(name, a!, 1);
    const n = bigIntOperand(name, b!, 2);
    if (n < 0n) throw operandError(name, 2, 'must be an unsigned integer number but got a negative integer');
    if (!left) return normalizeNumber(x >> n);
    if (x === 0n) return 0;
    if (n > MAX_SHIFT) throw fail(name, 'shift count too large');
    return normalizeNumber(checkIntegerSize(name, x << n));
  });
}

export const bitsBuiltins: BuiltinDef[] = [
  binary('bits.and', (a, b) => a & b),
  binary('bits.or', (a, b) => a | b),
  binary('bits.xor', (a, b) => a ^ b),
  def('bits.negate', 1, ([a]) => normalizeNumber(~bigIntOperand('bits.negate', a!, 1))),
  shift('bits.lsh', true),
  shift('bits.rsh', false),
];
