// Type predicates (is_string …) and type_name.

import { RObject, RSet, typeName, type Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { def } from './helpers.ts';

function predicate(name: string, test: (v: Value) => boolean): BuiltinDef {
  return def(name, 1, ([v]) => test(v!));
}

export const typeBuiltins: BuiltinDef[] = [
  predicate('is_number', (v) => typeof v === 'number' || typeof v === 'bigint'),
  predicate('is_string', (v) => typeof v === 'string'),
  predicate('is_boolean', (v) => typeof v === 'boolean'),
  predicate('is_array', (v) => Array.isArray(v)),
  predicate('is_set', (v) => v instanceof RSet),
  predicate('is_object', (v) => v instanceof RObject),
  predicate('is_null', (v) => v === null),
  def('type_name', 1, ([v]) => typeName(v!)),
];
