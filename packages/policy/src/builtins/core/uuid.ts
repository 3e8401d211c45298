// uuid.rfc4122 (random v4, stable per argument within one evaluation) and uuid.parse (the
// formats github.com/google/uuid accepts, plus the fields OPA decodes for versions 1 and 2).

import { randomUUID } from 'node:crypto';
import { keyOf, normalizeNumber, RObject, type Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { def, str } from './helpers.ts';

function hexByte(s: string, at: number): number | undefined {
  const pair = s.slice(at, at + 2);
  return /^[0-9a-fA-F]{2}$/.test(pair) ? Number.parseInt(pair, 16) : undefined;
}

/** google/uuid Parse; undefined when the text is not a UUID. */
export function parseUUID(input: string): number[] | undefined {
  let s = input;
  // Lengths are in bytes in Go; all valid forms are ASCII.
  if (new TextEncoder().encode(s).length !== s.length) return undefined;
  switch (s.length) {
    case 36:
      break;
    case 45:
      if (s.slice(0, 9).toLowerCase() !== 'urn:uuid:') return undefined;
      s = s.slice(9);
      break;
    case 38:
      s = s.slice(1); // any enclosing characters, like {…}
      break;
    case 32: {
      const out: number[] = [];
      for (let i = 0; i < 16; i++) {
        const b = hexByte(s, 2 * i);
        if (b === undefined) return undefined;
        out.push(b);
      }
      return out;
    }
    default:
      return undefined;
  }
  if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
  const out: number[] = [];
  for (const x of [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]) {
    const b = hexByte(s, x);
    if (b === undefined) return undefined;
    out.push(b);
  }
  return out;
}

function variant(b: number): string {
  if ((b & 0xc0) === 0x80) return 'RFC4122';
  if ((b & 0xe0) === 0xc0) return 'Microsoft';
  if ((b & 0xe0) === 0xe0) return 'Future';
  return 'Reserved';
}

function macVariables(b: number): string {
  if ((b & 0b11) === 0b11) return 'local:multicast';
  if ((b & 0b01) === 0b01) return 'global:multicast';
  if ((b & 0b10) === 0b10) return 'local:unicast';
  return 'global:unicast';
}

const GREGORIAN_OFFSET = 122192928000000000n; // 100ns intervals from 1582-10-15 to 1970-01-01

function describe(u: number[]): RObject {
  const version = u[6]! >> 4;
  const out = RObject.fromRecord({ version, variant: variant(u[8]!) });
  if (version === 1 || version === 2) {
    const be = (from: number, n: number) => u.slice(from, from + n).reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
    const time = be(0, 4) | (be(4, 2) << 32n) | ((be(6, 2) & 0xfffn) << 48n);
    out.set('time', normalizeNumber((time - GREGORIAN_OFFSET) * 100n));
    out.set('nodeid', u.slice(10).map((b) => b.toString(16).padStart(2, '0')).join('-'));
    out.set('macvariables', macVariables(u[10]!));
    out.set('clocksequence', Number(be(8, 2) & 0x3fffn));
    if (version === 2) {
      out.set('id', Number(be(0, 4)));
      const domain = u[9]!;
      out.set('domain', domain === 0 ? 'Person' : domain === 1 ? 'Group' : domain === 2 ? 'Org' : `Domain${domain}`);
    }
  }
  return out;
}

function rfc4122([k]: Value[], ctx: BuiltinContext): Value {
  const cacheKey = 'uuid.rfc4122\u0000' + keyOf(k!);
  const cached = ctx.cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const id = randomUUID();
  ctx.cache.set(cacheKey, id);
  return id;
}

export const uuidBuiltins: BuiltinDef[] = [
  def('uuid.rfc4122', 1, rfc4122, true),
  def('uuid.parse', 1, ([s]) => {
    const u = parseUUID(str('uuid.parse', s!, 1));
    return u === undefined ? undefined : describe(u);
  }),
];
