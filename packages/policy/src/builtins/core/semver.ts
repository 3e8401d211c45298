// semver.is_valid and semver.compare, following OPA's internal/semver package (a leading "v"
// is accepted; numbers are parsed like Go's strconv.ParseInt).

import type { Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { def, fail, goQuote, str } from './helpers.ts';

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
}

const IDENTIFIERS = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const INT64 = /^[+-]?\d+$/;

function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}

function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n > 0x7fffffffffffffffn || n < -0x8000000000000000n ? undefined : n;
}

export function parseSemver(text: string): Version | undefined {
  let rest = text.startsWith('v') ? text.slice(1) : text;
  let meta: string;
  [rest, meta] = cut(rest, '+');
  if (meta !== '' && !IDENTIFIERS.test(meta)) return undefined;
  let pre: string;
  [rest, pre] = cut(rest, '-');
  if (pre !== '' && !IDENTIFIERS.test(pre)) return undefined;
  const parts = rest.split('.');
  if (parts.length !== 3) return undefined;
  const [major, minor, patch] = parts.map(parseInt64);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, pre };
}

const numeric = (s: string) => /^\d+$/.test(s);

export function compareSemver(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) {
    if (a[k] !== b[k]) return a[k] > b[k] ? 1 : -1;
  }
  if (a.pre === b.pre) return 0;
  if (a.pre === '') return 1;
  if (b.pre === '') return -1;
  const xs = a.pre.split('.');
  const ys = b.pre.split('.');
  for (let i = 0; ; i++) {
    if (i >= xs.length || i >= ys.length) return xs.length === ys.length ? 0 : xs.length > ys.length ? 1 : -1;
    const x = xs[i]!;
    const y = ys[i]!;
    const xn = numeric(x);
    const yn = numeric(y);
    // Numeric identifiers sort before alphanumeric ones.
    if (xn && !yn) return -1;
    if (!xn && yn) return 1;
    if (xn && yn) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d > 0n ? 1 : -1;
    } else if (x !== y) {
      return x > y ? 1 : -1;
    }
  }
}

export const semverBuiltins: BuiltinDef[] = [
  def('semver.is_valid', 1, ([v]) => typeof v === 'string' && parseSemver(v) !== undefined),
  def('semver.compare', 2, ([a, b]) => {
    const name = 'semver.compare';
    const sa = str(name, a!, 1);
    const sb = str(name, b!, 2);
    const va = parseSemver(sa);
    if (!va) throw fail(name, `operand 1: string ${goQuote(sa)} is not a valid SemVer`);
    const vb = parseSemver(sb);
    if (!vb) throw fail(name, `operand 2: string ${goQuote(sb)} is not a valid SemVer`);
    return compareSemver(va, vb);
  }),
];
