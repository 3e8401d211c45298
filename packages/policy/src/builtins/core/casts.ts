// to_number and the deprecated cast_* builtins.

import { RObject, RSet, type Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { fromDec, parseDec } from './decimal.ts';
import { def, fail, goQuote, typeError } from './helpers.ts';

// Go's strconv.ParseFloat accepts decimal text and hexadecimal floats with a 'p' exponent.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]((?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+))[pP]([+-]?\d+)$/;

/** Parses a number the way to_number does; exported for other string→number conversions. */
export function parseGoFloat(name: string, s: string): Value {
  const syntaxError = () => fail(name, `strconv.ParseFloat: parsing ${goQuote(s)}: invalid syntax`);
  if (DECIMAL.test(s)) {
    // Beyond float64 (JS parses decimal text with the same rounding as Go): Go's ParseFloat
    // reports a range error, which OPA returns. Checked first, so that "1e100000000" is not
    // expanded into a hundred-million-digit integer.
    if (!Number.isFinite(Number(s))) throw fail(name, `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range`);
    return fromDec(parseDec(s)!);
  }
  const hex = HEX_FLOAT.exec(s);
  if (hex) {
    const [, sign, mantissa = '', exp] = hex;
    const [int = '', frac = ''] = mantissa.replace(/_/g, '').split('.');
    const m = Number.parseInt(int + frac || '0', 16) * 2 ** (Number(exp) - 4 * frac.length);
    if (!Number.isFinite(m)) throw fail(name, `strconv.ParseFloat: parsing ${goQuote(s)}: value out of range`);
    return sign === '-' ? -m : m;
  }
  throw syntaxError();
}

function toNumber([v]: Value[]): Value {
  const name = 'to_number';
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (typeof v === 'string') {
    const word = v.replace(/^[+-]+/, '').toLowerCase();
    if (word === 'inf' || word === 'infinity' || word === 'nan') throw typeError(name, 1, v, 'valid number string');
    return parseGoFloat(name, v);
  }
  throw typeError(name, 1, v!, 'null', 'boolean', 'number', 'string');
}

export const castBuiltins: BuiltinDef[] = [
  def('to_number', 1, toNumber),
  def('cast_array', 1, ([v]) => {
    if (Array.isArray(v)) return v;
    if (v instanceof RSet) return [...v.values()];
    throw typeError('cast_array', 1, v!, 'array', 'set');
  }),
  def('cast_set', 1, ([v]) => {
    if (Array.isArray(v)) return RSet.from(v);
    if (v instanceof RSet) return v;
    throw typeError('cast_set', 1, v!, 'array', 'set');
  }),
  def('cast_string', 1, ([v]) => {
    if (typeof v === 'string') return v;
    throw typeError('cast_string', 1, v!, 'string');
  }),
  def('cast_boolean', 1, ([v]) => {
    if (typeof v === 'boolean') return v;
    throw typeError('cast_boolean', 1, v!, 'boolean');
  }),
  def('cast_null', 1, ([v]) => {
    if (v === null) return null;
    throw typeError('cast_null', 1, v!, 'null');
  }),
  def('cast_object', 1, ([v]) => {
    if (v instanceof RObject) return v;
    throw typeError('cast_object', 1, v!, 'object');
  }),
];
