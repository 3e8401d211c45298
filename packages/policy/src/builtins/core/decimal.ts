// Exact decimal arithmetic for Rego numbers. OPA keeps numbers as their decimal text and computes
// with big.Int / big.Float (64-bit mantissa), so `0.1 + 0.2 == 0.3` holds there. Doing the
// arithmetic on exact decimals and rounding once to a double at the end reproduces that, where
// plain double arithmetic would not.

import { normalizeNumber, type RNumber } from '../../value.ts';

/** value = m × 10^e */
export interface Dec {
  readonly m: bigint;
  readonly e: number;
}

const DEC_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses decimal text (`-12.5e3`, `.5`, `5.`); undefined when it is not a decimal number. */
export function parseDec(text: string): Dec | undefined {
  const m = DEC_TEXT.exec(text);
  if (!m) return undefined;
  const [, sign, int = '', frac = '', exp] = m;
  if (int === '' && frac === '') return undefined;
  const digits = (int + frac).replace(/^0+(?=\d)/, '');
  let e = 0 - frac.length; // not -0
  if (exp !== undefined) {
    const x = Number(exp);
    if (!Number.isSafeInteger(x)) return undefined;
    e += x;
  }
  const mant = BigInt(digits || '0');
  return { m: sign === '-' ? -mant : mant, e };
}

export function toDec(n: RNumber): Dec {
  if (typeof n === 'bigint') return { m: n, e: 0 };
  if (Number.isSafeInteger(n)) return { m: BigInt(n), e: 0 };
  // The shortest round-trip text of a double is the literal it came from in almost all cases.
  return parseDec(String(n)) ?? { m: 0n, e: 0 };
}

/** Decimal digits of 2^24 bits (integers are capped there, see helpers.checkIntegerSize). */
const MAX_INTEGER_DIGITS = 5_050_446;

const POW10: bigint[] = [];
export function pow10(k: number): bigint {
  if (k < 64) {
    let p = POW10[k];
    if (p === undefined) {
      p = 10n ** BigInt(k);
      POW10[k] = p;
    }
    return p;
  }
  return 10n ** BigInt(k);
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  if (a.e === b.e) return [a.m, b.m, a.e];
  if (a.e > b.e) return [a.m * pow10(a.e - b.e), b.m, b.e];
  return [a.m, b.m * pow10(b.e - a.e), a.e];
}

export function decAdd(a: Dec, b: Dec): Dec {
  const [x, y, e] = align(a, b);
  return { m: x + y, e };
}

export function decSub(a: Dec, b: Dec): Dec {
  const [x, y, e] = align(a, b);
  return { m: x - y, e };
}

export function decMul(a: Dec, b: Dec): Dec {
  return { m: a.m * b.m, e: a.e + b.e };
}

function digitCount(x: bigint): number {
  return (x < 0n ? -x : x).toString().length;
}

/** a / b with at least `precision` significant digits (exact when the quotient terminates). */
export function decDiv(a: Dec, b: Dec, precision = 40): Dec {
  if (b.m === 0n) throw new RangeError('division by zero');
  const k = Math.max(0, precision - digitCount(a.m) + digitCount(b.m));
  return { m: (a.m * pow10(k)) / b.m, e: a.e - b.e - k };
}

export function decCmp(a: Dec, b: Dec): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function decIsInt(d: Dec): boolean {
  return d.e >= 0 || d.m % pow10(-d.e) === 0n;
}

/** Integer part, rounding toward zero. */
export function decTrunc(d: Dec): bigint {
  if (d.e >= 0) return d.m * pow10(d.e);
  return d.m / pow10(-d.e);
}

export function decFloor(d: Dec): bigint {
  const t = decTrunc(d);
  return d.m < 0n && !decIsInt(d) ? t - 1n : t;
}

export function decCeil(d: Dec): bigint {
  const t = decTrunc(d);
  return d.m > 0n && !decIsInt(d) ? t + 1n : t;
}

/** Rounds half away from zero (OPA's round). */
export function decRound(d: Dec): bigint {
  const half: Dec = { m: d.m < 0n ? -5n : 5n, e: -1 };
  return decTrunc(decAdd(d, half));
}

/** Back to a Rego number: integers stay exact, anything else becomes the nearest double. */
export function fromDec(d: Dec): RNumber {
  if (d.m === 0n) return 0;
  const digits = (d.m < 0n ? -d.m : d.m).toString().length;
  if (d.e >= 0) {
    // An exact integer; refuse one too large to compute with (the limit of integer results).
    if (digits + d.e > MAX_INTEGER_DIGITS) throw new RangeError('number too large (more than 2^24 bits)');
    return normalizeNumber(d.m * pow10(d.e));
  }
  // |m| < 10^-e: not an integer, and 10^-e need not be built (the exponent can be huge).
  if (-d.e > digits) return Number(`${d.m}e${d.e}`);
  const p = pow10(-d.e);
  if (d.m % p === 0n) return normalizeNumber(d.m / p);
  return Number(`${d.m}e${d.e}`);
}
