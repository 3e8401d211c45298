// base64, base64url, hex and urlquery encodings with Go's exact rules and error texts. Strings
// are encoded as their UTF-8 bytes; decoded bytes become a string the way Go converts them to
// runes (invalid UTF-8 bytes turn into U+FFFD).

import { RObject, RSet, toJSONText, type Value } from '../../value.ts';
import type { BuiltinDef } from '../types.ts';
import { charge, textUnits } from '../work.ts';
import { decodeUTF8, def, fail, goQuote, operandError, str, typeError, utf8Bytes } from './helpers.ts';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const STD_MAP = decodeMap(STD);
const URL_MAP = decodeMap(URL);

function base64Encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[v >> 18]! + alphabet[(v >> 12) & 63]! + alphabet[(v >> 6) & 63]! + alphabet[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    out += alphabet[v >> 18]! + alphabet[(v >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[v >> 18]! + alphabet[(v >> 12) & 63]! + alphabet[(v >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/**
 * Go's base64.{Std,URL}Encoding.DecodeString: padding required, CR/LF skipped; an error (returned,
 * not thrown) gives the offset of the first bad input byte. Also used by the extra builtins.
 */
export function goBase64Decode(input: string | Uint8Array, url = false): Uint8Array | string {
  return base64Decode(typeof input === 'string' ? utf8Bytes(input) : input, url ? URL_MAP : STD_MAP);
}

/** OPA's base64url.decode: unpadded input is padded first (RFC 7515 appendix C), then decoded strictly. */
export function opaBase64UrlDecode(s: string): Uint8Array | string {
  if (!s.endsWith('=')) {
    const rem = utf8Bytes(s).length % 4;
    if (rem === 2) s += '==';
    else if (rem === 3) s += '=';
    else if (rem === 1) return `illegal base64url string: ${s}`;
  }
  return goBase64Decode(s, true);
}

function base64Decode(src: Uint8Array, map: Int16Array): Uint8Array | string {
  const out: number[] = [];
  const corrupt = (at: number) => `illegal base64 data at input byte ${at}`;
  const isNL = (b: number | undefined) => b === 0x0a || b === 0x0d;
  let si = 0;
  for (;;) {
    const buf = [0, 0, 0, 0];
    let dlen = 4;
    let done = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Uint8Array.from(out);
        return corrupt(si - j);
      }
      const b = src[si++]!;
      const v = map[b]!;
      if (v >= 0) {
        buf[j] = v;
        continue;
      }
      if (isNL(b)) {
        j--;
        continue;
      }
      if (b !== 0x3d) return corrupt(si - 1);
      // Padding: only after two or three symbols, and nothing but line breaks may follow.
      if (j < 2) return corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && isNL(src[si])) si++;
        if (si === src.length) return corrupt(src.length);
        if (src[si] !== 0x3d) return corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNL(src[si])) si++;
      if (si < src.length) return corrupt(si);
      dlen = j;
      done = true;
      break;
    }
    const v = (buf[0]! << 18) | (buf[1]! << 12) | (buf[2]! << 6) | buf[3]!;
    out.push(v >> 16);
    if (dlen > 2) out.push((v >> 8) & 0xff);
    if (dlen > 3) out.push(v & 0xff);
    if (done) return Uint8Array.from(out);
  }
}

function hexDecode(text: string): Uint8Array | string {
  const src = utf8Bytes(text);
  const val = (b: number) => (b >= 48 && b <= 57 ? b - 48 : b >= 97 && b <= 102 ? b - 87 : b >= 65 && b <= 70 ? b - 55 : -1);
  const invalid = (b: number) => {
    const ch = String.fromCodePoint(b);
    return `encoding/hex: invalid byte: U+${b.toString(16).toUpperCase().padStart(4, '0')} ${goQuoteRune(ch)}`;
  };
  const out = new Uint8Array(src.length >> 1);
  let i = 0;
  for (; i + 1 < src.length; i += 2) {
    const a = val(src[i]!);
    if (a < 0) return invalid(src[i]!);
    const b = val(src[i + 1]!);
    if (b < 0) return invalid(src[i + 1]!);
    out[i >> 1] = (a << 4) | b;
  }
  if (src.length % 2 === 1) {
    if (val(src[i]!) < 0) return invalid(src[i]!);
    return 'encoding/hex: odd length hex string';
  }
  return out;
}

function goQuoteRune(ch: string): string {
  return "'" + goQuote(ch).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'") + "'";
}

function unwrap(name: string, r: Uint8Array | string): string {
  if (typeof r === 'string') throw fail(name, r);
  return decodeUTF8(r);
}

// ---------------------------------------------------------------------------------------------
// net/url query escaping.

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Go's url.QueryUnescape; returns the error text on a bad escape. */
export function queryUnescape(s: string, plusIsSpace = true): string | { error: string } {
  const bytes = utf8Bytes(s);
  const out: number[] = [];
  const isHex = (b: number | undefined) => b !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(b));
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x25) {
      if (i + 2 >= bytes.length || !isHex(bytes[i + 1]) || !isHex(bytes[i + 2])) {
        const bad = decodeUTF8(bytes.subarray(i, Math.min(i + 3, bytes.length)));
        return { error: `invalid URL escape ${goQuote(bad)}` };
      }
      out.push(Number.parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16));
      i += 2;
    } else if (b === 0x2b && plusIsSpace) {
      out.push(0x20);
    } else {
      out.push(b);
    }
  }
  return decodeUTF8(Uint8Array.from(out));
}

function encodeObject([o]: Value[]): Value {
  const name = 'urlquery.encode_object';
  if (!(o instanceof RObject)) throw typeError(name, 1, o!, 'object');
  const badValue = () => operandError(name, 1, 'values must be string, array[string], or set[string]');
  const pairs: [string, string[]][] = [];
  for (const [k, v] of o.entries()) {
    const key = typeof k === 'string' ? k : toJSONText(k);
    let values: string[];
    if (typeof v === 'string') {
      values = [v];
    } else if (Array.isArray(v) || v instanceof RSet) {
      values = (Array.isArray(v) ? v : [...v.values()]).map((x) => {
        if (typeof x !== 'string') throw badValue();
        return x;
      });
    } else {
      throw badValue();
    }
    if (values.length > 0) pairs.push([key, values]);
  }
  // url.Values.Encode sorts by key.
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.flatMap(([k, vs]) => vs.map((v) => `${queryEscape(k)}=${queryEscape(v)}`)).join('&');
}

/** Go's url.ParseQuery. */
function decodeObject([q]: Value[]): Value {
  const name = 'urlquery.decode_object';
  const query = str(name, q!, 1);
  const result = new Map<string, string[]>();
  let firstError: string | undefined;
  for (const part of query.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) {
      firstError ??= 'invalid semicolon separator in query';
      continue;
    }
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const key = queryUnescape(rawKey);
    if (typeof key !== 'string') {
      firstError ??= key.error;
      continue;
    }
    const value = queryUnescape(rawValue);
    if (typeof value !== 'string') {
      firstError ??= value.error;
      continue;
    }
    const list = result.get(key) ?? [];
    list.push(value);
    result.set(key, list);
  }
  if (firstError !== undefined) throw fail(name, firstError);
  return RObject.from([...result].map(([k, v]) => [k, v] as [Value, Value]));
}

function oneString(name: string, f: (s: string) => Value): BuiltinDef {
  return def(name, 1, ([a], ctx) => {
    const s = str(name, a!, 1);
    charge(ctx, textUnits(s));
    return f(s);
  });
}

export const encodingBuiltins: BuiltinDef[] = [
  oneString('base64.encode', (s) => base64Encode(utf8Bytes(s), STD, true)),
  oneString('base64.decode', (s) => unwrap('base64.decode', goBase64Decode(s))),
  def('base64.is_valid', 1, ([s]) => typeof s === 'string' && typeof goBase64Decode(s) !== 'string'),
  oneString('base64url.encode', (s) => base64Encode(utf8Bytes(s), URL, true)),
  oneString('base64url.encode_no_pad', (s) => base64Encode(utf8Bytes(s), URL, false)),
  oneString('base64url.decode', (s) => unwrap('base64url.decode', opaBase64UrlDecode(s))),
  oneString('hex.encode', (s) => Array.from(utf8Bytes(s), (b) => b.toString(16).padStart(2, '0')).join('')),
  oneString('hex.decode', (s) => unwrap('hex.decode', hexDecode(s))),
  oneString('urlquery.encode', queryEscape),
  oneString('urlquery.decode', (s) => {
    const r = queryUnescape(s);
    if (typeof r !== 'string') throw fail('urlquery.decode', r.error);
    return r;
  }),
  def('urlquery.encode_object', 1, encodeObject),
  def('urlquery.decode_object', 1, decodeObject),
];
