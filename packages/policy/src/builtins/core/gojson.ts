// JSON text the way Go's encoding/json writes and reads it: sorted object keys, HTML-safe
// escapes (`<` → \u003c), exact big integers, and Go's syntax-error messages. Used by the core
// json.* builtins and by the extra ones that read or write JSON (io.jwt.*, yaml.*, json.match_schema,
// providers.aws.sign_req).

import { compareStrings, formatNumber, RObject, RSet, toJSONText, type Value } from '../../value.ts';
import { fromDec, parseDec } from './decimal.ts';
import { goQuote } from './helpers.ts';
import type { BuiltinContext } from '../types.ts';
import { charge, textUnits } from '../work.ts';

/** Go's encodeState.string with HTML escaping on. */
export function goJSONString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26 && c !== 0x2028 && c !== 0x2029) {
      // Lone surrogates have no UTF-8 form; Go would have replaced them already.
      if (c >= 0xd800 && c <= 0xdfff) {
        const pair = c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
        if (pair) {
          out += s[i]! + s[i + 1]!;
          i++;
        } else {
          out += '\ufffd';
        }
        continue;
      }
      out += s[i];
      continue;
    }
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        out += '\\u' + c.toString(16).padStart(4, '0');
    }
  }
  return out + '"';
}

export interface Indent {
  prefix: string;
  indent: string;
}

/** json.Marshal / json.MarshalIndent of a Rego value (sets become arrays). */
export function goJSON(v: Value, indent?: Indent, depth = 0, ctx?: BuiltinContext): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
    case 'string':
      charge(ctx, textUnits(v));
      return goJSONString(v);
  }
  const nl = (d: number) => (indent ? '\n' + indent.prefix + indent.indent.repeat(d) : '');
  if (Array.isArray(v) || v instanceof RSet) {
    const items = Array.isArray(v) ? v : v.values();
    if (items.length === 0) return '[]';
    charge(ctx, items.length);
    return '[' + items.map((x) => nl(depth + 1) + goJSON(x, indent, depth + 1, ctx)).join(',') + nl(depth) + ']';
  }
  const obj = v as RObject;
  if (obj.size === 0) return '{}';
  charge(ctx, obj.size);
  const entries = obj
    .entries()
    .map(([k, x]) => [typeof k === 'string' ? k : toJSONText(k), x] as const)
    // Go sorts keys bytewise in UTF-8 (code point order, not UTF-16 order).
    .sort(([a], [b]) => compareStrings(a, b));
  const sep = indent ? ': ' : ':';
  return (
    '{' +
    entries.map(([k, x]) => nl(depth + 1) + goJSONString(k) + sep + goJSON(x, indent, depth + 1, ctx)).join(',') +
    nl(depth) +
    '}'
  );
}

// ---------------------------------------------------------------------------------------------

export class JSONSyntaxError extends Error {}

/** Go's json.Valid. A number too large to hold is still valid JSON. */
export function isValidGoJSON(text: string): boolean {
  try {
    parseGoJSON(text);
    return true;
  } catch (e) {
    if (e instanceof JSONSyntaxError) return false;
    if (e instanceof RangeError && /number too large/.test(e.message)) return true;
    throw e;
  }
}

/** Go's quoteChar in encoding/json error messages. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return '\'"\'';
  const q = goQuote(c);
  return "'" + q.slice(1, -1) + "'";
}

/** Parses JSON text with Go's rules (numbers keep full precision) and Go's error messages. */
export function parseGoJSON(text: string, eofMessage = 'unexpected end of JSON input'): Value {
  let i = 0;
  const n = text.length;
  const eof = () => new JSONSyntaxError(eofMessage);
  const bad = (context: string) => new JSONSyntaxError(`invalid character ${quoteChar(charAt(i))} ${context}`);
  const charAt = (k: number) => String.fromCodePoint(text.codePointAt(k)!);
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };

  const literal = (word: string, v: Value): Value => {
    for (let k = 0; k < word.length; k++) {
      if (i >= n) throw eof();
      if (text[i] !== word[k]) throw bad(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
      i++;
    }
    return v;
  };

  const number = (): Value => {
    const start = i;
    if (text[i] === '-') i++;
    if (i >= n) throw eof();
    if (text[i] === '0') {
      i++;
    } else if (text[i]! >= '1' && text[i]! <= '9') {
      while (i < n && text[i]! >= '0' && text[i]! <= '9') i++;
    } else {
      throw bad('in numeric literal');
    }
    if (text[i] === '.') {
      i++;
      if (i >= n) throw eof();
      if (!(text[i]! >= '0' && text[i]! <= '9')) throw bad('after decimal point in numeric literal');
      while (i < n && text[i]! >= '0' && text[i]! <= '9') i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= n) throw eof();
      if (!(text[i]! >= '0' && text[i]! <= '9')) throw bad('in exponent of numeric literal');
      while (i < n && text[i]! >= '0' && text[i]! <= '9') i++;
    }
    return fromDec(parseDec(text.slice(start, i))!);
  };

  const string = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= n) throw eof();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return out;
      }
      if (c < 0x20) throw bad('in string literal');
      if (c !== 0x5c) {
        const j = text.indexOf('"', i);
        const k = text.indexOf('\\', i);
        let end = j < 0 ? n : j;
        if (k >= 0 && k < end) end = k;
        const chunk = text.slice(i, end);
        const ctl = chunk.search(/[\x00-\x1f]/);
        if (ctl >= 0) {
          out += chunk.slice(0, ctl);
          i += ctl;
          continue;
        }
        out += chunk;
        i = end;
        continue;
      }
      i++;
      if (i >= n) throw eof();
      const e = text[i]!;
      i++;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = (): number => {
            let v = 0;
            for (let k = 0; k < 4; k++) {
              if (i >= n) throw eof();
              const h = text[i]!;
              if (!/[0-9a-fA-F]/.test(h)) throw bad('in \\u hexadecimal character escape');
              v = v * 16 + Number.parseInt(h, 16);
              i++;
            }
            return v;
          };
          const u = hex();
          if (u >= 0xd800 && u <= 0xdbff && text[i] === '\\' && text[i + 1] === 'u') {
            const save = i;
            i += 2;
            const lo = hex();
            if (lo >= 0xdc00 && lo <= 0xdfff) {
              out += String.fromCharCode(u, lo);
              break;
            }
            i = save;
          }
          out += u >= 0xd800 && u <= 0xdfff ? '\ufffd' : String.fromCharCode(u);
          break;
        }
        default:
          i--;
          throw bad('in string escape code');
      }
    }
  };

  const value = (): Value => {
    ws();
    if (i >= n) throw eof();
    const c = text[i]!;
    switch (c) {
      case '{': {
        i++;
        const o = new RObject();
        ws();
        if (i >= n) throw eof();
        if (text[i] === '}') {
          i++;
          return o;
        }
        for (;;) {
          ws();
          if (i >= n) throw eof();
          if (text[i] !== '"') throw bad('looking for beginning of object key string');
          const k = string();
          ws();
          if (i >= n) throw eof();
          if (text[i] !== ':') throw bad('after object key');
          i++;
          o.set(k, value());
          ws();
          if (i >= n) throw eof();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            return o;
          }
          throw bad('after object key:value pair');
        }
      }
      case '[': {
        i++;
        const a: Value[] = [];
        ws();
        if (i >= n) throw eof();
        if (text[i] === ']') {
          i++;
          return a;
        }
        for (;;) {
          a.push(value());
          ws();
          if (i >= n) throw eof();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            return a;
          }
          throw bad('after array element');
        }
      }
      case '"':
        return string();
      case 't':
        return literal('true', true);
      case 'f':
        return literal('false', false);
      case 'n':
        return literal('null', null);
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return number();
        throw bad('looking for beginning of value');
    }
  };

  const v = value();
  ws();
  if (i < n) throw bad('after top-level value');
  return v;
}
