import { BuiltinError, BuiltinTypeError } from '../types.ts';
import { RObject, typeName, type RNumber, type Value } from '../../value.ts';

// Operand checks shared by the extra builtins. Messages follow OPA's
// `operand 1 must be string but got number` (builtins.NewOperandTypeErr).

export function typeError(builtin: string, pos: number, got: Value, expected: string): BuiltinTypeError {
  return new BuiltinTypeError(builtin, `operand ${pos} must be ${expected} but got ${typeName(got)}`);
}

export function stringArg(builtin: string, args: Value[], i: number): string {
  const v = args[i] as Value;
  if (typeof v !== 'string') throw typeError(builtin, i + 1, v, 'string');
  return v;
}

export function numberArg(builtin: string, args: Value[], i: number): RNumber {
  const v = args[i] as Value;
  if (typeof v !== 'number' && typeof v !== 'bigint') throw typeError(builtin, i + 1, v, 'number');
  return v;
}

export function objectArg(builtin: string, args: Value[], i: number): RObject {
  const v = args[i] as Value;
  if (!(v instanceof RObject)) throw typeError(builtin, i + 1, v, 'object');
  return v;
}

/** OPA's builtins.IntOperand: a number that is an integer (`operand 2 must be integer number but got floating-point number`). */
export function intArg(builtin: string, args: Value[], i: number): bigint {
  const v = numberArg(builtin, args, i);
  if (typeof v === 'bigint') return v;
  if (!Number.isInteger(v)) {
    throw new BuiltinTypeError(builtin, `operand ${i + 1} must be integer number but got floating-point number`);
  }
  return BigInt(v);
}

export function builtinError(builtin: string, message: string): BuiltinError {
  return new BuiltinError(builtin, message);
}

/** Plain-object view of a Rego object with string keys (other keys are skipped). */
export function stringKeyed(o: RObject): Map<string, Value> {
  const m = new Map<string, Value>();
  for (const [k, v] of o.entries()) if (typeof k === 'string') m.set(k, v);
  return m;
}
