// Shared operand checks and small utilities for the core builtins. The error texts mirror OPA's
// (topdown/builtins/builtins.go) because the conformance cases match on them.

import { RObject, RSet, typeName, type RNumber, type Value } from '../../value.ts';
import { BuiltinError, BuiltinTypeError, type BuiltinDef, type BuiltinImpl } from '../types.ts';

/** Declares a builtin; keeps the table in each family file short. */
export function def(name: string, arity: number, impl: BuiltinImpl, nondeterministic = false): BuiltinDef {
  return nondeterministic ? { name, arity, impl, nondeterministic } : { name, arity, impl };
}

/** `operand <pos> <message>` as a type error (OPA's NewOperandErr). */
export function operandError(name: string, pos: number, message: string): BuiltinTypeError {
  return new BuiltinTypeError(name, `operand ${pos} ${message}`);
}

/** `operand 1 must be string but got number` / `must be one of {a, b} but got c`. */
export function typeError(name: string, pos: number, got: Value, ...expected: string[]): BuiltinTypeError {
  const want = expected.length === 1 ? expected[0] : `one of {${expected.join(', ')}}`;
  return operandError(name, pos, `must be ${want} but got ${typeName(got)}`);
}

/** `operand 1 must be array of strings but got array containing number` (NewOperandElementErr). */
export function elementError(name: string, pos: number, composite: Value, got: Value, ...expected: string[]): BuiltinTypeError {
  const t = typeName(composite);
  if (expected.length === 1) {
    return operandError(name, pos, `must be ${t} of ${expected[0]}s but got ${t} containing ${typeName(got)}`);
  }
  return operandError(name, pos, `must be ${t} of (any of) {${expected.join(', ')}} but got ${t} containing ${typeName(got)}`);
}

export function fail(name: string, message: string): BuiltinError {
  return new BuiltinError(name, message);
}

export function str(name: string, v: Value, pos: number): string {
  if (typeof v !== 'string') throw typeError(name, pos, v, 'string');
  return v;
}

export function num(name: string, v: Value, pos: number): RNumber {
  if (typeof v !== 'number' && typeof v !== 'bigint') throw typeError(name, pos, v, 'number');
  return v;
}

export function obj(name: string, v: Value, pos: number): RObject {
  if (!(v instanceof RObject)) throw typeError(name, pos, v, 'object');
  return v;
}

export function arr(name: string, v: Value, pos: number): Value[] {
  if (!Array.isArray(v)) throw typeError(name, pos, v, 'array');
  return v;
}

export function set(name: string, v: Value, pos: number): RSet {
  if (!(v instanceof RSet)) throw typeError(name, pos, v, 'set');
  return v;
}

export function bool(name: string, v: Value, pos: number): boolean {
  if (typeof v !== 'boolean') throw typeError(name, pos, v, 'boolean');
  return v;
}

/** The members of an array or a set, in order. */
export function elements(v: Value[] | RSet): readonly Value[] {
  return Array.isArray(v) ? v : v.values();
}

export function isInteger(n: RNumber): boolean {
  return typeof n === 'bigint' || Number.isInteger(n);
}

/** An integer operand as bigint (OPA's BigIntOperand). */
export function bigIntOperand(name: string, v: Value, pos: number): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v !== 'number') throw typeError(name, pos, v, 'integer');
  if (!Number.isInteger(v)) throw operandError(name, pos, 'must be integer number but got floating-point number');
  return BigInt(v);
}

// Integers are exact at any size (OPA uses big.Int), but a product or shift can double the size
// of its operands at each step: a few dozen steps would need gigabytes and minutes of CPU inside
// one call. Results beyond 2^24 bits (about five million decimal digits) are refused instead.
const MAX_INTEGER = 1n << (1n << 24n);

/** Throws a builtin error when an integer result is too large to compute with. */
export function checkIntegerSize(name: string, n: bigint): bigint {
  if (n > MAX_INTEGER || n < -MAX_INTEGER) throw fail(name, 'integer result too large (more than 2^24 bits)');
  return n;
}

/** An integer operand that fits a JS number (OPA's IntOperand, which uses Go's int). */
export function intOperand(name: string, v: Value, pos: number): number {
  const n = num(name, v, pos);
  if (typeof n === 'bigint') {
    // Go's int is 64 bits; anything larger is not an int there either.
    if (n > 0x7fffffffffffffffn || n < -0x8000000000000000n) {
      throw operandError(name, pos, 'must be integer number but got floating-point number');
    }
    return Number(n);
  }
  if (!Number.isInteger(n)) throw operandError(name, pos, 'must be integer number but got floating-point number');
  return n;
}

/** Strings of an array or set operand (OPA's StringSliceOperand). */
export function stringSlice(name: string, v: Value, pos: number): string[] {
  if (!Array.isArray(v) && !(v instanceof RSet)) throw typeError(name, pos, v, 'array', 'set');
  return elements(v).map((x) => {
    if (typeof x !== 'string') throw elementError(name, pos, v, x, 'string');
    return x;
  });
}

// ---------------------------------------------------------------------------------------------
// Unicode: OPA strings are UTF-8, and its string builtins count runes (code points).

export function codePoints(s: string): string[] {
  return Array.from(s);
}

export function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

const encoder = new TextEncoder();

export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * Decodes bytes as Go converts them to runes: each byte of an invalid sequence becomes one
 * U+FFFD (the WHATWG decoder would merge some of them, which changes counts).
 */
export function decodeUTF8(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      // Collect an ASCII run at once.
      let j = i + 1;
      while (j < n && bytes[j]! < 0x80) j++;
      out += String.fromCharCode(...bytes.subarray(i, j));
      i = j;
      continue;
    }
    let cp = -1;
    let size = 1;
    if (b0 >= 0xc2 && b0 <= 0xdf && i + 1 < n && isCont(bytes[i + 1]!)) {
      cp = ((b0 & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      size = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef && i + 2 < n) {
      const b1 = bytes[i + 1]!;
      const lo = b0 === 0xe0 ? 0xa0 : 0x80;
      const hi = b0 === 0xed ? 0x9f : 0xbf;
      if (b1 >= lo && b1 <= hi && isCont(bytes[i + 2]!)) {
        cp = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
        size = 3;
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4 && i + 3 < n) {
      const b1 = bytes[i + 1]!;
      const lo = b0 === 0xf0 ? 0x90 : 0x80;
      const hi = b0 === 0xf4 ? 0x8f : 0xbf;
      if (b1 >= lo && b1 <= hi && isCont(bytes[i + 2]!) && isCont(bytes[i + 3]!)) {
        cp = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
        size = 4;
      }
    }
    out += cp < 0 ? '\ufffd' : String.fromCodePoint(cp);
    i += size;
  }
  return out;
}

function isCont(b: number): boolean {
  return (b & 0xc0) === 0x80;
}

/** Go's strconv.Quote (used where OPA formats an ast.String with %v or %q). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp === 0xfffd) {
      out += ch;
    } else if (cp < 0x20 || cp === 0x7f) {
      out += '\\x' + cp.toString(16).padStart(2, '0');
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\\ufffd';
    } else if (isPrintable(cp)) {
      out += ch;
    } else if (cp < 0x10000) {
      out += '\\u' + cp.toString(16).padStart(4, '0');
    } else {
      out += '\\U' + cp.toString(16).padStart(8, '0');
    }
  }
  return out + '"';
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrintable(cp: number): boolean {
  if (cp === 0x20) return true;
  return !NON_PRINTABLE.test(String.fromCodePoint(cp));
}
