// units.parse (SI and binary suffixes, milli) and units.parse_bytes (byte sizes), following
// OPA's parse_units.go / parse_bytes.go, with exact decimal arithmetic.

import { normalizeNumber, type Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { decIsInt, decMul, decRound, decTrunc, fromDec, parseDec, type Dec } from './decimal.ts';
import { def, fail, str } from './helpers.ts';

const MAX_EXPONENT_DIGITS = 6;
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Splits "10.5Ki" into ["10.5", "Ki"]; throws "exponent too large" for huge exponents. */
function splitNumberAndUnit(s: string, tooLarge: () => Error): [string, string] {
  let firstNonNum = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!isDigit(c) && c !== '.' && c !== 'e' && c !== 'E' && c !== '+' && c !== '-') {
      firstNonNum = i;
      break;
    }
    if (c === 'e' || c === 'E') {
      const next = s[i + 1];
      if (i === s.length - 1 || (!isDigit(next) && next !== '+' && next !== '-')) {
        firstNonNum = i;
        break;
      }
      if (next === '+' || next === '-') i++;
      let end = i + 1;
      while (end < s.length && isDigit(s[end])) end++;
      if (end - (i + 1) > MAX_EXPONENT_DIGITS) throw tooLarge();
    }
  }
  if (firstNonNum === -1) return [s, ''];
  return [s.slice(0, firstNonNum), s.slice(firstNonNum)];
}

// Decimal text as big.Rat / big.Float SetString accept it.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const K = 1000n;
const SI: Record<string, bigint> = { '': 1n, k: K, m: K ** 2n, g: K ** 3n, t: K ** 4n, p: K ** 5n, e: K ** 6n };
const BINARY: Record<string, bigint> = { ki: 1n << 10n, mi: 1n << 20n, gi: 1n << 30n, ti: 1n << 40n, pi: 1n << 50n, ei: 1n << 60n };

function unitsParse([v]: Value[]): Value {
  const name = 'units.parse';
  const s = str(name, v!, 1).replace(/"/g, '');
  if (s.includes(' ')) throw fail(name, 'spaces not allowed in resource strings');
  const [numText, rawUnit] = splitNumberAndUnit(s, () => fail(name, 'exponent too large'));
  if (numText === '') throw fail(name, 'no amount provided');
  // Only the letters after the first are lower-cased, so 'm' (milli) and 'M' (mega) differ.
  const unit = rawUnit.length > 1 ? rawUnit[0] + rawUnit.slice(1).toLowerCase() : rawUnit;
  let factor: Dec;
  if (unit === 'm') {
    factor = { m: 1n, e: -3 };
  } else if (unit === 'M') {
    factor = { m: SI.m!, e: 0 };
  } else if (/^[kKgGtTpPeE]?$/.test(unit)) {
    factor = { m: SI[unit.toLowerCase()]!, e: 0 };
  } else if (/^[kKmMgGtTpPeE]i$/.test(unit)) {
    factor = { m: BINARY[unit.toLowerCase()]!, e: 0 };
  } else {
    throw fail(name, `unit ${unit} not recognized`);
  }
  if (!NUMBER.test(numText)) throw fail(name, 'could not parse amount to a number');
  const product = decMul(parseDec(numText)!, factor);
  if (decIsInt(product)) return normalizeNumber(decTrunc(product));
  // OPA prints non-integers with ten decimals (big.Rat.FloatString(10)).
  const scaled = decRound({ m: product.m, e: product.e + 10 });
  return fromDec({ m: scaled, e: -10 });
}

function parseBytes([v]: Value[]): Value {
  const name = 'units.parse_bytes';
  const s = str(name, v!, 1).toLowerCase().replace(/"/g, '');
  if (s.includes(' ')) throw fail(name, 'spaces not allowed in resource strings');
  const [numText, unit] = splitNumberAndUnit(s, () => fail(name, 'exponent too large'));
  if (numText === '') throw fail(name, 'no byte amount provided');
  let factor: bigint | undefined;
  const m = /^([kmgtpe]?)(b?)$/.exec(unit);
  const bi = /^([kmgtpe])i(b?)$/.exec(unit);
  if (m && !(m[1] === '' && m[2] === 'b')) factor = SI[m[1]!];
  else if (bi) factor = BINARY[bi[1] + 'i'];
  if (factor === undefined) throw fail(name, `byte unit ${unit} not recognized`);
  if (!NUMBER.test(numText)) throw fail(name, 'could not parse byte amount to a number');
  // Fractions of a byte are truncated.
  return normalizeNumber(decTrunc(decMul(parseDec(numText)!, { m: factor, e: 0 })));
}


export const unitBuiltins: BuiltinDef[] = [def('units.parse', 1, unitsParse), def('units.parse_bytes', 1, parseBytes)];
