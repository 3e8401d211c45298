import type { ProxyTrust } from '@gantry/config';
import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeAddress } from './client-address.ts';

// GANTRY_TRUST_PROXY itself is parsed and validated in @gantry/config (env.test.ts).
const none: ProxyTrust = { kind: 'none' };
const all: ProxyTrust = { kind: 'all' };
const hops = (n: number): ProxyTrust => ({ kind: 'hops', hops: n });

const xff = (value: string | null) => new Headers(value === null ? {} : { 'x-forwarded-for': value });

describe('client address', () => {
  it('without a trusted proxy: the address Next put in x-forwarded-for (the socket), not a hop a client prepended', () => {
    expect(clientAddress(xff('203.0.113.7'), none)).toBe('203.0.113.7');
    expect(clientAddress(xff('::ffff:127.0.0.1'), none)).toBe('127.0.0.1');
    expect(clientAddress(xff('1.2.3.4, 203.0.113.7'), none)).toBe('203.0.113.7');
    expect(clientAddress(xff(null), none)).toBeNull();
  });

  it('trusting every proxy: the first hop', () => {
    expect(clientAddress(xff('198.51.100.4, 10.0.0.2'), all)).toBe('198.51.100.4');
  });

  it('trusting n proxies: the n-th hop from the right, so what the client sent is ignored', () => {
    const two = hops(2);
    // Client forged "6.6.6.6"; the edge proxy appended the real client, the inner proxy the edge.
    expect(clientAddress(xff('6.6.6.6, 198.51.100.4, 10.0.0.2'), two)).toBe('198.51.100.4');
    expect(clientAddress(xff('198.51.100.4'), two)).toBe('198.51.100.4');
    expect(clientAddress(xff('6.6.6.6, 198.51.100.4'), hops(1))).toBe('198.51.100.4');
  });

  it('ignores what is not an address', () => {
    expect(clientAddress(xff('unknown'), all)).toBeNull();
    expect(clientAddress(xff(' , '), none)).toBeNull();
    expect(normalizeAddress('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(normalizeAddress('192.0.2.1:5000')).toBe('192.0.2.1');
    expect(normalizeAddress('2001:db8::1')).toBe('2001:db8::1');
    expect(normalizeAddress('<script>')).toBeNull();
  });
});
