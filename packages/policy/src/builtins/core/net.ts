// net.cidr_* builtins with Go's net package semantics: strict address syntax (netip), IPv4
// addresses as IPv4-mapped IPv6 where Go does so, the same containment rules, net.IP.String()
// formatting, and cidr_merge's classful default masks for bare IPv4 addresses.

import { RObject, RSet, type Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { charge, chargedComparator } from '../work.ts';
import { def, fail, str } from './helpers.ts';

type Bytes = number[];

const V4_IN_V6 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseIPv4(s: string): Bytes | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: Bytes = [];
  for (const p of parts) {
    // netip rejects empty fields, leading zeros and values over 255.
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseIPv6(s: string): Bytes | undefined {
  if (s.includes('%')) return undefined; // zones are not addresses here
  let head = s;
  let tail = '';
  const dc = s.indexOf('::');
  if (dc >= 0) {
    if (s.indexOf('::', dc + 1) >= 0) return undefined;
    head = s.slice(0, dc);
    tail = s.slice(dc + 2);
  }
  const groups = (part: string, allowV4: boolean): Bytes | undefined => {
    if (part === '') return [];
    const fields = part.split(':');
    const out: Bytes = [];
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (allowV4 && i === fields.length - 1 && f.includes('.')) {
        const v4 = parseIPv4(f);
        if (!v4) return undefined;
        out.push(...v4);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return undefined;
        const n = Number.parseInt(f, 16);
        out.push(n >> 8, n & 0xff);
      }
    }
    return out;
  };
  const a = groups(head, dc < 0);
  const b = dc >= 0 ? groups(tail, true) : [];
  if (!a || !b) return undefined;
  if (dc < 0) return a.length === 16 ? a : undefined;
  if (a.length + b.length > 14) return undefined;
  return [...a, ...new Array<number>(16 - a.length - b.length).fill(0), ...b];
}

/** net.ParseIP: 16 bytes (IPv4 as IPv4-mapped), or undefined. */
export function parseIP(s: string): Bytes | undefined {
  if (s.includes(':')) return parseIPv6(s);
  const v4 = parseIPv4(s);
  return v4 ? [...V4_IN_V6, ...v4] : undefined;
}

function to4(ip: Bytes): Bytes | undefined {
  if (ip.length === 4) return ip;
  if (ip.length === 16 && V4_IN_V6.every((b, i) => ip[i] === b)) return ip.slice(12);
  return undefined;
}

function cidrMask(ones: number, bits: number): Bytes {
  const out: Bytes = [];
  for (let i = 0; i < bits / 8; i++) {
    const n = Math.max(0, Math.min(8, ones - 8 * i));
    out.push((0xff << (8 - n)) & 0xff);
  }
  return out;
}

/** Go's IP.Mask: lengths may differ between an IPv4 mask and an IPv4-mapped address. */
function applyMask(ip: Bytes, mask: Bytes): Bytes | undefined {
  let m = mask;
  let x = ip;
  if (m.length === 16 && x.length === 4 && m.slice(0, 12).every((b) => b === 0xff)) m = m.slice(12);
  if (m.length === 4 && x.length === 16 && V4_IN_V6.every((b, i) => x[i] === b)) x = x.slice(12);
  if (m.length !== x.length) return undefined;
  return x.map((b, i) => b & m[i]!);
}

interface IPNet {
  ip: Bytes;
  mask: Bytes;
}

/** net.ParseCIDR; throws Go's error text. */
function parseCIDR(name: string, s: string): IPNet {
  const bad = () => fail(name, `invalid CIDR address: ${s}`);
  const slash = s.indexOf('/');
  if (slash < 0) throw bad();
  const addr = s.slice(0, slash);
  const len = s.slice(slash + 1);
  let bits: number;
  let ip16: Bytes | undefined;
  if (addr.includes(':')) {
    ip16 = parseIPv6(addr);
    bits = 128;
  } else {
    const v4 = parseIPv4(addr);
    ip16 = v4 ? [...V4_IN_V6, ...v4] : undefined;
    bits = 32;
  }
  if (!ip16 || !/^\d+$/.test(len) || len.length > 9 || Number(len) > bits) throw bad();
  const mask = cidrMask(Number(len), bits);
  return { ip: applyMask(ip16, mask)!, mask };
}

/** Network number and mask as Go's networkNumberAndMask normalizes them. */
function networkNumberAndMask(n: IPNet): IPNet | undefined {
  let ip = to4(n.ip) ?? n.ip;
  if (ip.length !== 4 && ip.length !== 16) return undefined;
  let m = n.mask;
  if (m.length === 4) {
    if (ip.length !== 4) return undefined;
  } else if (m.length === 16) {
    if (ip.length === 4) m = m.slice(12);
  } else {
    return undefined;
  }
  ip = ip.slice();
  return { ip, mask: m };
}

function contains(n: IPNet, ip: Bytes): boolean {
  const nn = networkNumberAndMask(n);
  if (!nn) return false;
  const x = to4(ip) ?? ip;
  if (x.length !== nn.ip.length) return false;
  return x.every((b, i) => (nn.ip[i]! & nn.mask[i]!) === (b & nn.mask[i]!));
}

function maskSize(mask: Bytes): [number, number] {
  let ones = 0;
  let seenZero = false;
  for (const b of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      if (b & (1 << bit)) {
        if (seenZero) return [0, 0];
        ones++;
      } else {
        seenZero = true;
      }
    }
  }
  return [ones, mask.length * 8];
}

function lastIP(n: IPNet): Bytes {
  const [ones, bits] = maskSize(n.mask);
  const ip = n.ip.length === bits / 8 ? n.ip : (to4(n.ip) ?? n.ip);
  const host = cidrMask(ones, bits).map((b) => ~b & 0xff);
  return ip.map((b, i) => b | (host[i] ?? 0));
}

/** net.IP.String(). */
export function ipString(ip: Bytes): string {
  const v4 = to4(ip);
  if (v4) return v4.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((ip[i]! << 8) | ip[i + 1]!);
  // Longest run of two or more zero groups becomes "::" (the first one on ties).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return hex(groups.slice(0, bestStart)) + '::' + hex(groups.slice(bestStart + bestLen));
}

/** IPNet.String(): the (unmasked) address and the prefix length. */
function netString(n: IPNet): string {
  const nn = networkNumberAndMask({ ip: n.ip, mask: n.mask })!;
  return `${ipString(nn.ip)}/${maskSize(nn.mask)[0]}`;
}

// ---------------------------------------------------------------------------------------------

function cidrContains([a, b]: Value[], name = 'net.cidr_contains'): Value {
  const net = parseCIDR(name, str(name, a!, 1));
  // OPA reports both operands as "operand 1".
  const text = str(name, b!, 1);
  const ip = parseIP(text);
  if (ip) return contains(net, ip);
  let inner: IPNet;
  try {
    inner = parseCIDR(name, text);
  } catch {
    throw fail(name, `not a valid textual representation of an IP address or CIDR: ${text}`);
  }
  return contains(net, inner.ip) && contains(net, lastIP(inner));
}

function cidrIntersects([a, b]: Value[]): Value {
  const name = 'net.cidr_intersects';
  const x = parseCIDR(name, str(name, a!, 1));
  const y = parseCIDR(name, str(name, b!, 1));
  return contains(x, y.ip) || contains(y, x.ip);
}

const MATCHES = 'net.cidr_contains_matches';

function matchTerm(operand: number, v: Value): Value {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length > 0) return v[0]!;
  throw fail(MATCHES, `operand ${operand}: element must be string or non-empty array`);
}

/** Pairs (cidr, key) of a cidr_contains_matches operand. */
function matchOperand(operand: number, v: Value): [Value, Value][] {
  if (typeof v === 'string') return [[v, v]];
  if (Array.isArray(v)) return v.map((x, i) => [matchTerm(operand, x), i]);
  if (v instanceof RSet) return v.values().map((x) => [matchTerm(operand, x), x]);
  if (v instanceof RObject) return v.entries().map(([k, x]) => [matchTerm(operand, x), k]);
  return [];
}

function cidrContainsMatches([a, b]: Value[], ctx: BuiltinContext): Value {
  const out = new RSet();
  const left = matchOperand(1, a!);
  const right = matchOperand(2, b!);
  for (const [cidr1, key1] of left) {
    charge(ctx, right.length);
    for (const [cidr2, key2] of right) {
      if (cidrContains([cidr1, cidr2], MATCHES) === true) out.add([key1, key2]);
    }
  }
  return out;
}

const MAX_EXPAND = 1 << 24;

function cidrExpand([a]: Value[], ctx: BuiltinContext): Value {
  const name = 'net.cidr_expand';
  const net = parseCIDR(name, str(name, a!, 1));
  const [ones, bits] = maskSize(net.mask);
  if (bits - ones > 24) throw fail(name, `CIDR too large to expand: ${a as string}`);
  const out = new RSet();
  const count = 2 ** (bits - ones);
  let ip = net.ip.slice();
  for (let i = 0; i < count && i < MAX_EXPAND; i++) {
    charge(ctx, 1);
    out.add(ipString(ip));
    ip = increment(ip);
  }
  return out;
}

function increment(ip: Bytes): Bytes {
  const out = ip.slice();
  for (let j = out.length - 1; j >= 0; j--) {
    out[j] = (out[j]! + 1) & 0xff;
    if (out[j] !== 0) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// cidr_merge: ranges in a 128-bit space (IPv4 as IPv4-mapped), sorted and merged like OPA's
// port of cilium's algorithm; merged ranges are re-expressed as the fewest CIDR blocks.

const V4_BASE = 0xffffn << 32n;

function toBig(b: Bytes): bigint {
  return b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
}

interface Range {
  first: bigint;
  last: bigint;
  /** The original network text when the range was not merged. */
  text?: string;
}

function defaultMask(v4: Bytes): Bytes {
  const ones = v4[0]! < 0x80 ? 8 : v4[0]! < 0xc0 ? 16 : 24;
  return cidrMask(ones, 32);
}

function toRange(name: string, v: Value): Range {
  if (typeof v !== 'string') throw fail(name, 'element must be string');
  const ip = parseIP(v);
  let net: IPNet;
  if (ip) {
    const v4 = to4(ip);
    if (!v4) throw fail(name, 'IPv6 invalid: needs prefix length');
    net = { ip, mask: defaultMask(v4) }; // classful mask, address left unmasked
  } else {
    net = parseCIDR(name, v);
  }
  const nn = networkNumberAndMask(net)!;
  const [ones, bits] = maskSize(nn.mask);
  const masked = applyMask(nn.ip, nn.mask)!;
  let first = toBig(masked);
  if (bits === 32) first |= V4_BASE;
  const size = 1n << BigInt(bits - ones);
  return { first, last: first + size - 1n, text: netString(net) };
}

function previous(ip: bigint): bigint {
  return ip === 0n || ip === V4_BASE ? ip : ip - 1n;
}

function rangeToCIDRs(first: bigint, last: bigint): string[] {
  const v4 = first >> 32n === 0xffffn && last >> 32n === 0xffffn;
  const bits = v4 ? 32 : 128;
  const out: string[] = [];
  let cur = v4 ? first - V4_BASE : first;
  const end = v4 ? last - V4_BASE : last;
  while (cur <= end) {
    let size = 0;
    while (size < bits && (cur & ((1n << BigInt(size + 1)) - 1n)) === 0n && cur + (1n << BigInt(size + 1)) - 1n <= end) size++;
    const bytes: Bytes = [];
    for (let i = bits / 8 - 1; i >= 0; i--) bytes.push(Number((cur >> BigInt(8 * i)) & 0xffn));
    out.push(`${ipString(bytes)}/${bits - size}`);
    cur += 1n << BigInt(size);
  }
  return out;
}

function cidrMerge([v]: Value[], ctx: BuiltinContext): Value {
  const name = 'net.cidr_merge';
  let items: readonly Value[];
  if (Array.isArray(v)) items = v;
  else if (v instanceof RSet) items = v.values();
  else throw fail(name, 'operand must be an array');
  charge(ctx, items.length);
  const ranges = items.map((x) => toRange(name, x));
  ranges.sort(
    chargedComparator(ctx, (a: Range, b: Range) =>
      a.last !== b.last ? (a.last < b.last ? -1 : 1) : a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
    ),
  );
  // From the highest range down, each range absorbs the one below it when they touch.
  const merged: Range[] = [];
  let acc = ranges[ranges.length - 1];
  for (let i = ranges.length - 1; i > 0; i--) {
    const prev = ranges[i - 1]!;
    if (previous(acc!.first) <= prev.last) {
      acc = { first: prev.first < acc!.first ? prev.first : acc!.first, last: acc!.last };
    } else {
      merged.push(acc!);
      acc = prev;
    }
  }
  if (acc !== undefined) merged.push(acc);
  const out = new RSet();
  for (const r of merged) {
    if (r.text !== undefined) out.add(r.text);
    else
      for (const c of rangeToCIDRs(r.first, r.last)) {
        charge(ctx, 1);
        out.add(c);
      }
  }
  return out;
}

export const netBuiltins: BuiltinDef[] = [
  def('net.cidr_contains', 2, (args) => cidrContains(args)),
  // Deprecated alias of cidr_contains, kept by OPA for old policies.
  def('net.cidr_overlap', 2, (args) => cidrContains(args, 'net.cidr_overlap')),
  def('net.cidr_intersects', 2, cidrIntersects),
  def('net.cidr_contains_matches', 2, cidrContainsMatches),
  def('net.cidr_expand', 1, cidrExpand),
  def('net.cidr_is_valid', 1, ([v]) => {
    if (typeof v !== 'string') return false;
    try {
      parseCIDR('net.cidr_is_valid', v);
      return true;
    } catch {
      return false;
    }
  }),
  def('net.cidr_merge', 1, cidrMerge),
];
