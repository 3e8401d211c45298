// JSON as OPA's Go code reads and writes it: numbers stay exact (big integers become bigint),
// duplicate keys keep the last value, syntax errors use encoding/json's messages, and Marshal
// sorts object keys and escapes HTML characters like json.Marshal does.

import { RObject, RSet, formatNumber, normalizeNumber, type Value } from '../../value.ts';

export class JSONSyntaxError extends Error {}

const describe = (c: string) => (c === "'" ? "'\\''" : `'${c}'`);

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(context: string): never {
    if (this.i >= this.s.length) throw new JSONSyntaxError('unexpected end of JSON input');
    const ch = String.fromCodePoint(this.s.codePointAt(this.i)!);
    throw new JSONSyntaxError(`invalid character ${describe(ch)} ${context}`);
  }

  ws() {
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  value(): Value {
    this.ws();
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
        return this.fail('looking for beginning of value');
    }
  }

  literal<T extends Value>(word: string, v: T): T {
    for (let k = 0; k < word.length; k++) {
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting '${word[k]}')`);
      this.i++;
    }
    return v;
  }

  number(): Value {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i));
    if (!m) {
      this.i++;
      return this.fail('in numeric literal');
    }
    this.i += m[0].length;
    const text = m[0];
    if (!m[2] && !m[3]) return normalizeNumber(BigInt(text));
    return normalizeNumber(Number(text));
  }

  string(): string {
    this.i++; // opening quote
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('');
      const c = this.s[this.i]!;
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') {
        this.i++;
        const e = this.s[this.i];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.i++;
        } else if (e === 'u') {
          const hex = this.s.slice(this.i + 1, this.i + 5);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.i += 1 + (/^[0-9a-fA-F]*/.exec(hex)![0].length);
            this.fail('in \\u hexadecimal character escape');
          }
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 5;
        } else this.fail('in string escape code');
        continue;
      }
      if (c.charCodeAt(0) < 0x20) this.fail('in string literal');
      out += c;
      this.i++;
    }
  }

  array(): Value[] {
    this.i++;
    const out: Value[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return out;
      }
      this.fail('after array element');
    }
  }

  object(): RObject {
    this.i++;
    const o = new RObject();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return o;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const k = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      o.set(k, this.value());
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return o;
      }
      this.fail('after object key:value pair');
    }
  }
}

/** Parses one JSON document (Go's json.Unmarshal with UseNumber) into a Rego value. */
export function parseJSON(text: string): Value {
  const p = new Parser(text);
  const v = p.value();
  p.ws();
  if (p.i < text.length) p.fail('after top-level value');
  return v;
}

/** Go's json.Valid. */
export function isValidJSON(text: string): boolean {
  try {
    parseJSON(text);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------

/** Go's json.Marshal string escaping (HTML-safe, U+2028/2029 escaped). */
export function goJSONString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '<':
      case '>':
      case '&':
        out += '\\u00' + c.toString(16);
        continue;
    }
    if (c < 0x20 || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      // Lone surrogates cannot be encoded in UTF-8; Go writes U+FFFD.
      const pair = c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (pair) {
        out += s.slice(i, i + 2);
        i++;
      } else out += '\ufffd';
      continue;
    }
    out += ch;
  }
  return out + '"';
}

const goKeyOrder = (a: string, b: string) => {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
};

/** Go's json.Marshal of ast.JSON(v): sets become arrays, object keys sorted bytewise. */
export function goJSONMarshal(v: Value): string {
  switch (typeof v) {
    case 'string':
      return goJSONString(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return '[' + v.map(goJSONMarshal).join(',') + ']';
  if (v instanceof RSet) return '[' + v.values().map(goJSONMarshal).join(',') + ']';
  const entries = v.entries().map(([k, val]) => [typeof k === 'string' ? k : goJSONMarshal(k), val] as const);
  entries.sort((a, b) => goKeyOrder(a[0], b[0]));
  return '{' + entries.map(([k, val]) => goJSONString(k) + ':' + goJSONMarshal(val)).join(',') + '}';
}
