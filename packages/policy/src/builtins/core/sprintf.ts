// sprintf with Go's fmt semantics. OPA hands Go's fmt.Sprintf these arguments: integers as int
// (or *big.Int beyond 64 bits), other numbers as float64, strings as string, and every other
// value as its Rego text (so booleans are strings there: `%t` of true prints `%!t(string=true)`).

import { formatNumber, numberLiteralText, RObject, RSet, type Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { charge, textUnits } from '../work.ts';
import { formatFloat } from './gofloat.ts';
import { arr, codePoints, def, goQuote, str, utf8Bytes } from './helpers.ts';

export type Arg =
  | { kind: 'int'; v: bigint } // Go int (64-bit)
  | { kind: 'bigint'; v: bigint } // *big.Int
  | { kind: 'float'; v: number }
  | { kind: 'string'; v: string };

const INT64_MAX = 0x7fffffffffffffffn;
const INT64_MIN = -0x8000000000000000n;

function toArg(v: Value): Arg {
  if (typeof v === 'bigint') {
    // OPA passes a number it cannot convert to int, *big.Int or float64 as its text (a string).
    const text = numberLiteralText(v);
    if (text !== undefined) return { kind: 'string', v: text };
    return { kind: v > INT64_MAX || v < INT64_MIN ? 'bigint' : 'int', v };
  }
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', v: BigInt(v) } : { kind: 'float', v };
  if (typeof v === 'string') return { kind: 'string', v };
  return { kind: 'string', v: regoString(v) };
}

/** A value in Rego syntax, as OPA's term String() prints it. */
export function regoString(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
    case 'string':
      return goQuote(v);
  }
  if (Array.isArray(v)) return '[' + v.map(regoString).join(', ') + ']';
  if (v instanceof RSet) return v.size === 0 ? 'set()' : '{' + v.values().map(regoString).join(', ') + '}';
  if (v instanceof RObject) {
    return '{' + v.entries().map(([k, x]) => `${regoString(k)}: ${regoString(x)}`).join(', ') + '}';
  }
  return String(v);
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

function goTypeName(a: Arg): string {
  return a.kind === 'int' ? 'int' : a.kind === 'bigint' ? '*big.Int' : a.kind === 'float' ? 'float64' : 'string';
}

function plainValue(a: Arg): string {
  switch (a.kind) {
    case 'int':
    case 'bigint':
      return a.v.toString();
    case 'float':
      return formatFloat(a.v, 'g', -1);
    case 'string':
      return a.v;
  }
}

function badVerb(verb: string, a: Arg | undefined): string {
  if (a === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(a)}=${plainValue(a)})`;
}

function pad(s: string, spec: Spec, zeroOK: boolean): string {
  const width = spec.width ?? 0;
  const len = codePoints(s).length;
  if (len >= width) return s;
  const fill = width - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && zeroOK) {
    // Zeros go after the sign or radix prefix.
    const m = /^([+\- ]?(?:0[xXbBoO])?)/.exec(s)!;
    return m[1] + '0'.repeat(fill) + s.slice(m[1]!.length);
  }
  return ' '.repeat(fill) + s;
}

function signPrefix(neg: boolean, spec: Spec): string {
  return neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
}

function fmtInteger(v: bigint, verb: string, spec: Spec, isBig: boolean): string | undefined {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits: string;
  let prefix = '';
  switch (verb) {
    case 'd':
    case 'v':
    case 's':
      if (verb === 's' && !isBig) return undefined;
      digits = abs.toString(10);
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
      digits = abs.toString(8);
      if (spec.sharp && digits[0] !== '0') prefix = '0';
      break;
    case 'O':
      digits = abs.toString(8);
      prefix = '0o';
      break;
    case 'x':
      digits = abs.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = abs.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'c':
      if (isBig) return undefined;
      return pad(safeFromCodePoint(v), spec, false);
    case 'q':
      if (isBig) return undefined;
      return pad(quoteRune(v), spec, false);
    case 'U': {
      if (isBig) return undefined;
      const hex = abs.toString(16).toUpperCase().padStart(4, '0');
      let s = (neg ? '-' : '') + 'U+' + hex;
      if (spec.sharp && !neg && v <= 0x10ffffn) s += ` '${safeFromCodePoint(v)}'`;
      return pad(s, spec, false);
    }
    default:
      return undefined;
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && abs === 0n) digits = '';
    digits = digits.padStart(spec.prec, '0');
    // With a precision, the zero flag pads with spaces.
    return pad(signPrefix(neg, spec) + prefix + digits, { ...spec, zero: false }, false);
  }
  return pad(signPrefix(neg, spec) + prefix + digits, spec, !spec.minus);
}

function safeFromCodePoint(v: bigint): string {
  return v >= 0n && v <= 0x10ffffn && !(v >= 0xd800n && v <= 0xdfffn) ? String.fromCodePoint(Number(v)) : '\ufffd';
}

function quoteRune(v: bigint): string {
  const ch = safeFromCodePoint(v);
  if (ch === "'") return "'\\''";
  const q = goQuote(ch);
  return "'" + q.slice(1, -1).replace(/\\"/g, '"') + "'";
}

function fmtFloatVerb(v: number, verb: string, spec: Spec): string | undefined {
  let s: string;
  switch (verb) {
    case 'v':
      s = formatFloat(v, 'g', spec.prec ?? -1);
      break;
    case 'g':
    case 'G':
      s = formatFloat(v, verb, spec.prec ?? -1);
      break;
    case 'e':
    case 'E':
      s = formatFloat(v, verb, spec.prec ?? 6);
      break;
    case 'f':
    case 'F':
      s = formatFloat(v, 'f', spec.prec ?? 6);
      break;
    default:
      return undefined;
  }
  if (spec.sharp && !s.includes('.') && !/[eE]/.test(s)) s += '.';
  if (s[0] !== '-' && s[0] !== '+') s = signPrefix(false, spec) + s;
  return pad(s, spec, !spec.minus);
}

function fmtString(v: string, verb: string, spec: Spec): string | undefined {
  switch (verb) {
    case 's':
    case 'v': {
      const s = spec.prec !== undefined ? codePoints(v).slice(0, spec.prec).join('') : v;
      return pad(s, spec, false);
    }
    case 'q': {
      if (spec.sharp && !v.includes('`')) return pad('`' + v + '`', spec, false);
      return pad(spec.plus ? asciiQuote(v) : goQuote(v), spec, false);
    }
    case 'x':
    case 'X': {
      let bytes = utf8Bytes(v);
      if (spec.prec !== undefined) bytes = bytes.subarray(0, spec.prec);
      const parts = Array.from(bytes, (b) => b.toString(16).padStart(2, '0'));
      const prefix = spec.sharp ? '0x' : '';
      let s = spec.space ? parts.map((p) => prefix + p).join(' ') : prefix + parts.join('');
      if (verb === 'X') s = s.toUpperCase();
      return pad(s, spec, false);
    }
    default:
      return undefined;
  }
}

/** %+q: strconv.QuoteToASCII. */
function asciiQuote(v: string): string {
  return goQuote(v).replace(/[^\x00-\x7f]/gu, (c) => {
    const cp = c.codePointAt(0)!;
    return cp < 0x10000 ? '\\u' + cp.toString(16).padStart(4, '0') : '\\U' + cp.toString(16).padStart(8, '0');
  });
}

function formatArg(a: Arg, verb: string, spec: Spec): string {
  let out: string | undefined;
  if (verb === 'T') return pad(goTypeName(a), spec, false);
  switch (a.kind) {
    case 'int':
      out = fmtInteger(a.v, verb, spec, false);
      break;
    case 'bigint':
      out = fmtInteger(a.v, verb, spec, true);
      break;
    case 'float':
      out = fmtFloatVerb(a.v, verb, spec);
      break;
    case 'string':
      out = fmtString(a.v, verb, spec);
      break;
  }
  return out ?? badVerb(verb, a);
}

/** Go's fmt.Sprintf over already-converted arguments. */
export function goSprintf(format: string, args: Arg[]): string {
  let out = '';
  let argNum = 0;
  let reordered = false;
  const n = format.length;
  let i = 0;
  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    // Flags.
    for (; i < n; i++) {
      const c = format[i];
      if (c === '-') {
        spec.minus = true;
        spec.zero = false;
      } else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const argIndex = (): void => {
      const m = /^\[(\d+)\]/.exec(format.slice(i));
      if (m) {
        argNum = Number(m[1]) - 1;
        reordered = true;
        i += m[0].length;
      }
    };
    // Width.
    argIndex();
    let bad = '';
    if (format[i] === '*') {
      i++;
      const a = args[argNum++];
      if (a && a.kind === 'int' && !tooLarge(a.v)) {
        let w = Number(a.v);
        if (w < 0) {
          spec.minus = true;
          spec.zero = false;
          w = -w;
        }
        spec.width = w;
      } else bad = '%!(BADWIDTH)';
    } else {
      const w = parseNum(format, i);
      if (w.ok) spec.width = w.num;
      i = w.next;
    }
    // Precision.
    if (format[i] === '.') {
      i++;
      argIndex();
      if (format[i] === '*') {
        i++;
        const a = args[argNum++];
        if (a && a.kind === 'int' && a.v >= 0n && !tooLarge(a.v)) spec.prec = Number(a.v);
        else bad = '%!(BADPREC)';
      } else {
        const p = parseNum(format, i);
        spec.prec = p.ok ? p.num : 0;
        i = p.next;
      }
    }
    argIndex();
    out += bad;
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const a = args[argNum];
    if (a === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    argNum++;
    out += formatArg(a, verb, spec);
  }
  if (!reordered && argNum < args.length) {
    out += '%!(EXTRA ' + args.slice(argNum).map((a) => `${goTypeName(a)}=${plainValue(a)}`).join(', ') + ')';
  }
  return out;
}

// Go's fmt refuses widths and precisions beyond a million (a number that long is "crazy", and it
// would make the output that big): a literal one ends the directive (%!(NOVERB)), one from an
// argument is %!(BADWIDTH) / %!(BADPREC).
const tooLarge = (x: bigint): boolean => x > 1_000_000n || x < -1_000_000n;

/** Go's fmt parsenum: the digits at `start`; an overflowing number consumes the rest of the format. */
function parseNum(s: string, start: number): { num: number; ok: boolean; next: number } {
  let num = 0;
  let i = start;
  for (; i < s.length && s[i]! >= '0' && s[i]! <= '9'; i++) {
    if (num > 1_000_000) return { num: 0, ok: false, next: s.length };
    num = num * 10 + (s.charCodeAt(i) - 48);
  }
  return { num, ok: i > start, next: i };
}

export const sprintfBuiltins: BuiltinDef[] = [
  def('sprintf', 2, ([f, a], ctx) => {
    const name = 'sprintf';
    const format = str(name, f!, 1);
    const args = arr(name, a!, 2);
    const out = goSprintf(format, args.map(toArg));
    charge(ctx, args.length + textUnits(out));
    return out;
  }),
];
