import { loadWebConfig, type ProxyTrust } from '@gantry/config';
import { isIP } from 'node:net';

/**
 * The client's address, for the per-address sign-in and sign-up limits.
 *
 * `next start` has no API for the socket's address; it puts it in `x-forwarded-for` when the
 * request has none. So, by GANTRY_TRUST_PROXY (validated in @gantry/config):
 * - Not behind a proxy (unset or `false`): the header's last entry, which is the socket address
 *   whenever the client sent no x-forwarded-for of its own. A client talking to Next directly can
 *   send one and pick its address; run behind a proxy to make the limit hold.
 * - `true`: every proxy in front is trusted and the first entry is the client (the outermost proxy
 *   must set the header, not append to what the client sent).
 * - `<n>`: n proxies in front, each appending the address it saw: the n-th entry from the right is
 *   the client, and whatever the client itself sent is ignored.
 */

/** "::ffff:10.0.0.1" → "10.0.0.1"; "[2001:db8::1]:443" → "2001:db8::1"; "10.0.0.1:5000" → "10.0.0.1"; anything else → null. */
export function normalizeAddress(raw: string): string | null {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  if (text.toLowerCase().startsWith('::ffff:') && isIP(text.slice(7)) === 4) text = text.slice(7);
  return isIP(text) ? text.toLowerCase() : null;
}

export function clientAddress(headers: Headers, trust: ProxyTrust): string | null {
  const entries = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const pick = trust.kind === 'all' ? entries[0]! : trust.kind === 'hops' ? entries[Math.max(0, entries.length - trust.hops)]! : entries[entries.length - 1]!;
  return normalizeAddress(pick);
}

let configured: ProxyTrust | undefined;

/** The client address of a request, with the trust configured in GANTRY_TRUST_PROXY. */
export function requestClientAddress(headers: Headers): string | null {
  configured ??= loadWebConfig().trustProxy;
  return clientAddress(headers, configured);
}
