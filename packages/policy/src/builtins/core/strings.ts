// String builtins. OPA strings are UTF-8 and positions are counted in runes (code points), so
// indices here are code-point indices, not UTF-16 offsets.

import { compare, RSet, type Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { charge, textUnits } from '../work.ts';
import { decTrunc, toDec } from './decimal.ts';
import {
  codePoints,
  def,
  elementError,
  elements,
  fail,
  intOperand,
  isASCII,
  num,
  obj,
  operandError,
  str,
  stringSlice,
  typeError,
} from './helpers.ts';

function concat([d, v]: Value[], ctx: BuiltinContext): Value {
  const name = 'concat';
  const sep = str(name, d!, 1);
  if (!Array.isArray(v) && !(v instanceof RSet)) throw typeError(name, 2, v!, 'set', 'array');
  const items = elements(v);
  charge(ctx, items.length);
  const parts = items.map((x) => {
    if (typeof x !== 'string') throw elementError(name, 2, v, x, 'string');
    return x;
  });
  return parts.join(sep);
}

function formatInt([n, b]: Value[]): Value {
  const name = 'format_int';
  const input = num(name, n!, 1);
  const base = num(name, b!, 2);
  const radix = typeof base === 'number' && [2, 8, 10, 16].includes(base) ? base : undefined;
  if (radix === undefined) throw operandError(name, 2, 'must be one of {2, 8, 10, 16}');
  // Fractions are truncated toward zero, as big.Float.Int does.
  const i = typeof input === 'bigint' ? input : Number.isInteger(input) ? BigInt(input) : decTrunc(toDec(input));
  return i.toString(radix);
}

/** Converts a UTF-16 offset into a code-point index. */
function toRuneIndex(s: string, utf16Index: number): number {
  let n = 0;
  for (let i = 0; i < utf16Index; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < utf16Index) i++;
    n++;
  }
  return n;
}

function indexOf([s, t]: Value[], ctx: BuiltinContext): Value {
  const name = 'indexof';
  const base = str(name, s!, 1);
  const search = str(name, t!, 2);
  if (search === '') throw fail(name, 'empty search character');
  charge(ctx, textUnits(base));
  const at = base.indexOf(search);
  return at < 0 ? -1 : toRuneIndex(base, at);
}

function indexOfN([s, t]: Value[], ctx: BuiltinContext): Value {
  const name = 'indexof_n';
  const base = str(name, s!, 1);
  const search = str(name, t!, 2);
  if (search === '') throw fail(name, 'empty search character');
  charge(ctx, textUnits(base));
  // Overlapping matches count, like OPA's rune-by-rune scan. Rune indices are counted
  // incrementally from the previous match, so many matches stay linear.
  const ascii = isASCII(base);
  const out: Value[] = [];
  let from = 0;
  let runeAt = 0; // rune index of UTF-16 offset `counted`
  let counted = 0;
  for (;;) {
    const at = base.indexOf(search, from);
    if (at < 0) break;
    charge(ctx, 1);
    if (ascii) out.push(at);
    else {
      runeAt += toRuneIndex(base.slice(counted, at), at - counted);
      counted = at;
      out.push(runeAt);
    }
    const c = base.charCodeAt(at);
    from = at + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
  }
  return out;
}

function substring([s, st, ln]: Value[]): Value {
  const name = 'substring';
  const base = str(name, s!, 1);
  const start = intOperand(name, st!, 2);
  const length = intOperand(name, ln!, 3);
  if (start < 0) throw fail(name, 'negative offset');
  if (isASCII(base)) {
    if (start >= base.length) return '';
    return length < 0 ? base.slice(start) : base.slice(start, start + length);
  }
  const runes = codePoints(base);
  if (start >= runes.length) return '';
  return (length < 0 ? runes.slice(start) : runes.slice(start, start + length)).join('');
}

/** Go's strings.Count: non-overlapping; an empty needle counts rune boundaries. */
function countOccurrences(s: string, sub: string): number {
  if (sub === '') return codePoints(s).length + 1;
  let n = 0;
  for (let at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length)) n++;
  return n;
}

/** Go's strings.Split. */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return codePoints(s);
  return s.split(sep);
}

// Go's unicode.ToUpper/ToLower map one rune to one rune; JS's full case mapping can change the
// length ("ß" → "SS"), so such mappings are left alone.
function mapRunes(s: string, f: (c: string) => string): string {
  if (isASCII(s)) return f(s);
  let out = '';
  for (const c of s) {
    if (c === '\u0130' && f === lowerAll) {
      out += 'i'; // Go maps U+0130 to a plain 'i'
      continue;
    }
    const m = f(c);
    out += codePoints(m).length === 1 ? m : c;
  }
  return out;
}
const lowerAll = (c: string) => c.toLowerCase();
const upperAll = (c: string) => c.toUpperCase();

/**
 * Go's strings.Replacer: at each position the first pattern (in argument order) that matches
 * wins, matches never overlap, and an empty pattern matches between runes.
 */
export function replaceAll(s: string, pairs: [string, string][], ctx?: BuiltinContext): string {
  if (pairs.length === 1 && pairs[0]![0] !== '') {
    charge(ctx, textUnits(s));
    return s.split(pairs[0]![0]).join(pairs[0]![1]);
  }
  let out = '';
  let i = 0;
  // After an empty match, the same position is tried again without the empty pattern.
  let prevMatchEmpty = false;
  for (;;) {
    charge(ctx, pairs.length);
    const m = pairs.find(([old]) => (old === '' ? !prevMatchEmpty : s.startsWith(old, i)));
    if (m) {
      out += m[1];
      prevMatchEmpty = m[0] === '';
      i += m[0].length;
      continue;
    }
    prevMatchEmpty = false;
    if (i >= s.length) break;
    const w = s.codePointAt(i)! > 0xffff ? 2 : 1;
    out += s.slice(i, i + w);
    i += w;
  }
  return out;
}

function replaceN([p, s]: Value[], ctx: BuiltinContext): Value {
  const name = 'strings.replace_n';
  const patterns = obj(name, p!, 1);
  const keys = [...patterns.keys()].sort(compare);
  const text = str(name, s!, 2);
  const pairs: [string, string][] = keys.map((k) => {
    if (typeof k !== 'string') throw operandError(name, 1, 'non-string key found in pattern object');
    const v = patterns.get(k)!;
    if (typeof v !== 'string') throw operandError(name, 1, 'non-string value found in pattern object');
    return [k, v];
  });
  return pairs.length === 0 ? text : replaceAll(text, pairs, ctx);
}

function cutsetTrimmer(fromStart: boolean, fromEnd: boolean) {
  return (s: string, cutset: string): string => {
    const cut = new Set(codePoints(cutset));
    const runes = codePoints(s);
    let a = 0;
    let b = runes.length;
    if (fromStart) while (a < b && cut.has(runes[a]!)) a++;
    if (fromEnd) while (b > a && cut.has(runes[b - 1]!)) b--;
    return a === 0 && b === runes.length ? s : runes.slice(a, b).join('');
  };
}

// Go's unicode.IsSpace (JS's trim would also strip U+FEFF).
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const TRAILING_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

function anyAffixMatch(name: string, suffix: boolean) {
  return ([a, b]: Value[], ctx: BuiltinContext): Value => {
    const strings = affixOperand(name, a!, 1);
    const affixes = affixOperand(name, b!, 2);
    return strings.some((s) => {
      charge(ctx, affixes.length);
      return affixes.some((x) => (suffix ? s.endsWith(x) : s.startsWith(x)));
    });
  };
}

function affixOperand(name: string, v: Value, pos: number): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) || v instanceof RSet) return stringSlice(name, v, pos);
  throw typeError(name, pos, v, 'string', 'set', 'array');
}

// Linear scans of their operands: the work is charged up front (one unit per 64 characters).
function twoStrings(name: string, f: (a: string, b: string) => Value): BuiltinDef {
  return def(name, 2, ([a, b], ctx) => {
    const x = str(name, a!, 1);
    const y = str(name, b!, 2);
    charge(ctx, textUnits(x));
    return f(x, y);
  });
}

function oneString(name: string, f: (a: string) => Value): BuiltinDef {
  return def(name, 1, ([a], ctx) => {
    const x = str(name, a!, 1);
    charge(ctx, textUnits(x));
    return f(x);
  });
}

function splitN([s, d, n]: Value[], ctx: BuiltinContext): Value {
  const name = 'strings.split_n';
  const text = str(name, s!, 1);
  charge(ctx, textUnits(text));
  const delim = str(name, d!, 2);
  const count = intOperand(name, n!, 3);
  const parts = goSplit(text, delim);
  return count >= 0 ? parts.slice(0, count) : parts.slice(Math.max(parts.length + count, 0));
}

const trimBoth = cutsetTrimmer(true, true);
const trimStart = cutsetTrimmer(true, false);
const trimEnd = cutsetTrimmer(false, true);

export const stringBuiltins: BuiltinDef[] = [
  def('concat', 2, concat),
  twoStrings('contains', (a, b) => a.includes(b)),
  twoStrings('startswith', (a, b) => a.startsWith(b)),
  twoStrings('endswith', (a, b) => a.endsWith(b)),
  def('format_int', 2, formatInt),
  def('indexof', 2, indexOf),
  def('indexof_n', 2, indexOfN),
  oneString('lower', (s) => mapRunes(s, lowerAll)),
  oneString('upper', (s) => mapRunes(s, upperAll)),
  def('replace', 3, ([s, o, n], ctx) => {
    const name = 'replace';
    const text = str(name, s!, 1);
    const old = str(name, o!, 2);
    const rep = str(name, n!, 3);
    return replaceAll(text, [[old, rep]], ctx);
  }),
  twoStrings('split', (s, d) => (s.includes(d) ? goSplit(s, d) : [s])),
  def('strings.split_n', 3, splitN),
  def('strings.any_prefix_match', 2, anyAffixMatch('strings.any_prefix_match', false)),
  def('strings.any_suffix_match', 2, anyAffixMatch('strings.any_suffix_match', true)),
  twoStrings('strings.count', countOccurrences),
  def('strings.replace_n', 2, replaceN),
  oneString('strings.reverse', (s) => codePoints(s).reverse().join('')),
  def('substring', 3, substring),
  twoStrings('trim', trimBoth),
  twoStrings('trim_left', trimStart),
  twoStrings('trim_right', trimEnd),
  twoStrings('trim_prefix', (s, p) => (s.startsWith(p) ? s.slice(p.length) : s)),
  twoStrings('trim_suffix', (s, p) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s)),
  oneString('trim_space', (s) => s.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '')),
];
