// glob.match and glob.quote_meta with the syntax and semantics of github.com/gobwas/glob
// (v0.2.3, what OPA uses): `*` matches any run of non-delimiter characters, `**` any run at all,
// `?` one non-delimiter character, `[abc]`/`[a-z]` (negated with `!`) one character, `{a,b}`
// alternatives, `\` escapes. A pattern is translated into an RE2 expression, which matches in
// linear time like gobwas's matchers.

import type { Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { charge, textUnits } from '../work.ts';
import { def, elementError, fail, str, typeError } from './helpers.ts';
import { compileRegexp, quoteMeta } from './regex.ts';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'any' }
  | { kind: 'super' }
  | { kind: 'single' }
  | { kind: 'list'; chars: string[]; not: boolean }
  | { kind: 'range'; lo: number; hi: number; not: boolean }
  | { kind: 'anyOf'; alternatives: Node[][] };

class GlobSyntaxError extends Error {}

/** Parses a gobwas glob; errors carry gobwas's messages. */
function parse(pattern: string): Node[] {
  const src = Array.from(pattern);
  let pos = 0;
  const root: Node[] = [];
  // Stack of open `{` groups: the alternatives collected so far and the current one.
  const groups: { alternatives: Node[][]; outer: Node[] }[] = [];
  let current = root;

  const readText = (breakers: string[]): string => {
    let text = '';
    let escaped = false;
    while (pos < src.length) {
      const c = src[pos]!;
      if (!escaped) {
        if (c === '\\') {
          escaped = true;
          pos++;
          continue;
        }
        if (breakers.includes(c)) break;
      }
      escaped = false;
      text += c;
      pos++;
    }
    return text;
  };

  const readRange = (): Node => {
    let not = false;
    let lo: string | undefined;
    let hi: string | undefined;
    let chars: string | undefined;
    let wantHi = false;
    let wantClose = false;
    for (;;) {
      if (pos >= src.length) throw new GlobSyntaxError('unexpected end of input');
      const c = src[pos++]!;
      if (wantClose) {
        if (c !== ']') throw new GlobSyntaxError('expected close range character');
        break;
      }
      if (wantHi) {
        hi = c;
        wantClose = true;
        continue;
      }
      if (!not && c === '!') {
        not = true;
        continue;
      }
      if (src[pos] === '-') {
        lo = c;
        pos++;
        wantHi = true;
        continue;
      }
      pos--;
      const text = readText([']']);
      if (text !== '') chars = text;
      wantClose = true;
    }
    if (lo !== undefined && hi !== undefined) {
      const l = lo.codePointAt(0)!;
      const h = hi.codePointAt(0)!;
      if (h < l) throw new GlobSyntaxError(`hi character '${hi}' should be greater than lo '${lo}'`);
      return { kind: 'range', lo: l, hi: h, not };
    }
    if (chars === undefined) throw new GlobSyntaxError('could not parse range');
    return { kind: 'list', chars: Array.from(chars), not };
  };

  while (pos < src.length) {
    const c = src[pos]!;
    const inGroup = groups.length > 0;
    if (c === '{') {
      pos++;
      const alternative: Node[] = [];
      groups.push({ alternatives: [alternative], outer: current });
      current = alternative;
    } else if (c === ',' && inGroup) {
      pos++;
      const alternative: Node[] = [];
      groups[groups.length - 1]!.alternatives.push(alternative);
      current = alternative;
    } else if (c === '}' && inGroup) {
      pos++;
      const g = groups.pop()!;
      g.outer.push({ kind: 'anyOf', alternatives: g.alternatives });
      current = g.outer;
    } else if (c === '[') {
      pos++;
      current.push(readRange());
    } else if (c === '?') {
      pos++;
      current.push({ kind: 'single' });
    } else if (c === '*') {
      pos++;
      if (src[pos] === '*') {
        pos++;
        current.push({ kind: 'super' });
      } else {
        current.push({ kind: 'any' });
      }
    } else {
      const text = readText(inGroup ? ['?', '*', '[', '{', '}', ','] : ['?', '*', '[', '{']);
      if (text !== '') current.push({ kind: 'text', text });
    }
  }
  // gobwas closes groups left open at the end of the pattern.
  while (groups.length > 0) {
    const g = groups.pop()!;
    g.outer.push({ kind: 'anyOf', alternatives: g.alternatives });
  }
  return root;
}

function classChar(c: string): string {
  return `\\x{${c.codePointAt(0)!.toString(16)}}`;
}

function toRE2(nodes: Node[], delimiters: string[]): string {
  const notDelim = delimiters.length === 0 ? '(?s:.)' : `[^${delimiters.map(classChar).join('')}]`;
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
          return quoteMeta(n.text);
        case 'any':
          return `${notDelim}*`;
        case 'super':
          return '(?s:.)*';
        case 'single':
          return notDelim;
        case 'list':
          return `[${n.not ? '^' : ''}${n.chars.map(classChar).join('')}]`;
        case 'range':
          return `[${n.not ? '^' : ''}\\x{${n.lo.toString(16)}}-\\x{${n.hi.toString(16)}}]`;
        case 'anyOf':
          return `(?:${n.alternatives.map((a) => toRE2(a, delimiters)).join('|')})`;
      }
    })
    .join('');
}

function globMatch([p, d, s]: Value[], ctx: BuiltinContext): Value {
  const name = 'glob.match';
  const pattern = str(name, p!, 1);
  let delimiters: string[];
  if (d === null) {
    delimiters = [];
  } else if (Array.isArray(d)) {
    delimiters = d.map((x) => {
      if (typeof x !== 'string') throw elementError(name, 2, d, x, 'string');
      if (Array.from(x).length !== 1) throw elementError(name, 2, d, x, 'rune');
      return x;
    });
    if (delimiters.length === 0) delimiters = ['.'];
  } else {
    throw typeError(name, 2, d!, 'array', 'null');
  }
  const text = str(name, s!, 3);
  charge(ctx, textUnits(text) + textUnits(pattern));
  let nodes: Node[];
  try {
    nodes = parse(pattern);
  } catch (e) {
    if (e instanceof GlobSyntaxError) throw fail(name, e.message);
    throw e;
  }
  return compileRegexp(`^${toRE2(nodes, delimiters)}$`).match(text);
}

/** gobwas's QuoteMeta: escapes `* ? \ [ ] { }`. */
function quoteGlobMeta(s: string): string {
  return s.replace(/[*?\\[\]{}]/g, '\\$&');
}

export const globBuiltins: BuiltinDef[] = [
  def('glob.match', 3, globMatch),
  def('glob.quote_meta', 1, ([p]) => quoteGlobMeta(str('glob.quote_meta', p!, 1))),
];
