// uri.parse and uri.is_valid with Go's net/url.Parse rules and error texts (WHATWG's URL in JS
// normalizes and accepts/rejects different inputs).

import { RObject, type Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { decodeUTF8, def, fail, goQuote, str, utf8Bytes } from './helpers.ts';

type Mode = 'path' | 'host' | 'fragment' | 'userinfo';

class URLError extends Error {}

const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Go's shouldEscape for the modes url.Parse uses. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (isAlnum(c)) return false;
  if (mode === 'host') {
    return !"!$&'()*+,;=:[]<>\"-_.~".includes(c);
  }
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'userinfo') return c === '@' || c === '/' || c === '?' || c === ':';
    return false; // fragment
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

function unescape(s: string, mode: Mode): string {
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new URLError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      // In a host, %-escapes may only encode non-ASCII bytes (or "%25").
      if (mode === 'host' && Number.parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== '%25') {
        throw new URLError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      if (mode === 'host' && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) {
        throw new URLError(`invalid character ${goQuote(c)} in host name`);
      }
      i++;
    }
  }
  const bytes: number[] = [];
  const raw = utf8Bytes(s);
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x25) {
      bytes.push(Number.parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16));
      i += 2;
    } else {
      bytes.push(raw[i]!);
    }
  }
  return decodeUTF8(Uint8Array.from(bytes));
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, mode) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function validPort(colonPort: string): boolean {
  return colonPort === '' || /^:[0-9]*$/.test(colonPort);
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new URLError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validPort(colonPort)) throw new URLError(`invalid port ${goQuote(colonPort)} after host`);
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0 && !validPort(host.slice(i))) throw new URLError(`invalid port ${goQuote(host.slice(i))} after host`);
  }
  return unescape(host, 'host');
}

function validUserinfo(s: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

interface ParsedURL {
  scheme: string;
  opaque: string;
  host: string;
  path: string;
  rawPath: string;
  rawQuery: string;
  fragment: string;
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new URLError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

/** net/url.Parse; throws URLError with Go's message. */
export function parseURL(rawURL: string): ParsedURL {
  const hash = rawURL.indexOf('#');
  const u = hash < 0 ? rawURL : rawURL.slice(0, hash);
  const frag = hash < 0 ? '' : rawURL.slice(hash + 1);
  const wrap = (input: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof URLError) throw new URLError(`parse ${goQuote(input)}: ${e.message}`);
      throw e;
    }
  };
  const url: ParsedURL = { scheme: '', opaque: '', host: '', path: '', rawPath: '', rawQuery: '', fragment: '' };
  wrap(u, () => {
    if (/[\x00-\x1f\x7f]/.test(u)) throw new URLError('net/url: invalid control character in URL');
    if (u === '*') {
      url.path = '*';
      return;
    }
    let rest: string;
    [url.scheme, rest] = getScheme(u);
    url.scheme = url.scheme.toLowerCase();
    if (rest.endsWith('?') && rest.split('?').length === 2) {
      rest = rest.slice(0, -1);
    } else {
      const q = rest.indexOf('?');
      if (q >= 0) {
        url.rawQuery = rest.slice(q + 1);
        rest = rest.slice(0, q);
      }
    }
    if (!rest.startsWith('/')) {
      if (url.scheme !== '') {
        url.opaque = rest; // rootless paths are opaque (mailto:…)
        return;
      }
      const segment = rest.split('/')[0]!;
      if (segment.includes(':')) throw new URLError('first path segment in URL cannot contain colon');
    }
    if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
      let authority = rest.slice(2);
      rest = '';
      const slash = authority.indexOf('/');
      if (slash >= 0) {
        rest = authority.slice(slash);
        authority = authority.slice(0, slash);
      }
      const at = authority.lastIndexOf('@');
      url.host = parseHost(at < 0 ? authority : authority.slice(at + 1));
      if (at >= 0) {
        const userinfo = authority.slice(0, at);
        if (!validUserinfo(userinfo)) throw new URLError('net/url: invalid userinfo');
        unescape(userinfo, 'userinfo');
      }
    }
    url.path = unescape(rest, 'path');
    url.rawPath = escape(url.path, 'path') === rest ? '' : rest;
  });
  if (frag !== '') wrap(rawURL, () => (url.fragment = unescape(frag, 'fragment')));
  return url;
}

function hostname(host: string): string {
  const [h] = splitHostPort(host);
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** Go's splitHostPort (URL.Hostname / URL.Port). */
function splitHostPort(host: string): [string, string] {
  const colon = host.lastIndexOf(':');
  let h = host;
  let port = '';
  if (colon >= 0 && /^:[0-9]*$/.test(host.slice(colon))) {
    h = host.slice(0, colon);
    port = host.slice(colon + 1);
  }
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return [h, port];
}

function uriParse([s]: Value[]): Value {
  const name = 'uri.parse';
  const text = str(name, s!, 1);
  let url: ParsedURL;
  try {
    url = parseURL(text);
  } catch (e) {
    if (e instanceof URLError) throw fail(name, e.message);
    throw e;
  }
  const out = new RObject();
  const put = (k: string, v: string) => {
    if (v !== '') out.set(k, v);
  };
  put('scheme', url.scheme);
  put('hostname', hostname(url.host));
  put('port', splitHostPort(url.host)[1]);
  put('path', url.path);
  put('raw_path', url.rawPath || url.path);
  put('raw_query', url.rawQuery);
  put('fragment', url.fragment);
  return out;
}

export const urlBuiltins: BuiltinDef[] = [
  def('uri.parse', 1, uriParse),
  def('uri.is_valid', 1, ([s]) => {
    if (typeof s !== 'string' || s === '') return false;
    try {
      parseURL(s);
      return true;
    } catch (e) {
      if (e instanceof URLError) return false;
      throw e;
    }
  }),
];
