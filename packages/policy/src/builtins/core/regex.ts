// Regular-expression builtins. OPA uses Go's regexp (RE2 syntax and leftmost-first semantics);
// re2js is a port of the same engine, so patterns, matches and syntax-error texts agree with Go
// (JS RegExp would accept lookarounds and backreferences, and read `(?i)`, `\z` … differently).

import { RE2JS } from 're2js';
import type { Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { charge, textUnits } from '../work.ts';
import { globsIntersect } from './glob-intersection.ts';
import { def, fail, goQuote, intOperand, str } from './helpers.ts';

/** The engine object with Go's regexp API (findAll…, with UTF-16 indices for JS strings). */
interface GoRegexp {
  numberOfCapturingGroups(): number;
  namedGroups: Record<string, number>;
  match(s: string): boolean;
  findAllIndex(s: string, n: number): number[][] | null;
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
}

const CACHE_LIMIT = 500;
const cache = new Map<string, GoRegexp>();

/** Compiles a Go regexp, throwing Go's parse error text (`error parsing regexp: …`). */
export function compileRegexp(pattern: string): GoRegexp {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = RE2JS.compile(pattern).re2() as unknown as GoRegexp;
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(pattern, re);
  }
  return re;
}

function regexpFor(name: string, pattern: string): GoRegexp {
  try {
    return compileRegexp(pattern);
  } catch (e) {
    throw fail(name, (e as Error).message);
  }
}

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function matches(name: string) {
  return ([p, s]: Value[], ctx: BuiltinContext): Value => {
    const re = regexpFor(name, str(name, p!, 1));
    const text = str(name, s!, 2);
    charge(ctx, textUnits(text));
    return re.match(text);
  };
}

/** Match positions, each charged to the budget (long texts can have millions of matches). */
function charged<T>(found: T[] | null, text: string, ctx: BuiltinContext): T[] {
  charge(ctx, textUnits(text) + (found?.length ?? 0));
  return found ?? [];
}

/** Go's Regexp.Split(s, -1). */
function split([p, s]: Value[], ctx: BuiltinContext): Value {
  const name = 'regex.split';
  const pattern = str(name, p!, 1);
  const text = str(name, s!, 2);
  const re = regexpFor(name, pattern);
  if (pattern.length > 0 && text.length === 0) return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const [from, to] of charged(re.findAllIndex(text, -1), text, ctx)) {
    end = from!;
    if (to !== 0) out.push(text.slice(beg, end));
    beg = to!;
  }
  if (end !== text.length) out.push(text.slice(beg));
  return out;
}

function findN([p, s, n]: Value[], ctx: BuiltinContext): Value {
  const name = 'regex.find_n';
  const re = regexpFor(name, str(name, p!, 1));
  const text = str(name, s!, 2);
  const limit = intOperand(name, n!, 3);
  return charged(re.findAllIndex(text, limit), text, ctx).map(([a, b]) => text.slice(a, b));
}

function findAllSubmatch([p, s, n]: Value[], ctx: BuiltinContext): Value {
  const name = 'regex.find_all_string_submatch_n';
  const re = regexpFor(name, str(name, p!, 1));
  const text = str(name, s!, 2);
  const limit = intOperand(name, n!, 3);
  return charged(re.findAllSubmatchIndex(text, limit), text, ctx).map((idx) => groups(text, idx));
}

/** Submatch texts from index pairs; groups that did not take part are "" as in Go. */
function groups(text: string, idx: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < idx.length; i += 2) out.push(idx[i]! < 0 ? '' : text.slice(idx[i], idx[i + 1]));
  return out;
}

/** Go's Regexp.Expand: `$1`, `${name}`, `$$`; unknown or unmatched groups expand to "". */
function expand(template: string, re: GoRegexp, text: string, idx: number[]): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let groupName: string | undefined;
    const braced = /^\{([A-Za-z0-9_]+)\}/.exec(template.slice(i));
    const bare = braced ? undefined : /^[A-Za-z0-9_]+/.exec(template.slice(i));
    if (braced) {
      groupName = braced[1];
      i += braced[0].length;
    } else if (bare) {
      groupName = bare[0];
      i += bare[0].length;
    } else {
      out += '$'; // malformed: the dollar is kept as text
      continue;
    }
    let g = -1;
    if (/^\d+$/.test(groupName!)) {
      const k = Number(groupName);
      if (k < idx.length / 2) g = k;
    } else if (re.namedGroups[groupName!] !== undefined) {
      g = re.namedGroups[groupName!]!;
    }
    if (g >= 0 && idx[2 * g]! >= 0) out += text.slice(idx[2 * g], idx[2 * g + 1]);
  }
  return out;
}

/** Go's Regexp.ReplaceAllString. */
function replace([s, p, v]: Value[], ctx: BuiltinContext): Value {
  const name = 'regex.replace';
  const text = str(name, s!, 1);
  const re = regexpFor(name, str(name, p!, 2));
  const template = str(name, v!, 3);
  let out = '';
  let last = 0;
  for (const idx of charged(re.findAllSubmatchIndex(text, -1), text, ctx)) {
    out += text.slice(last, idx[0]) + expand(template, re, text, idx);
    last = idx[1]!;
  }
  return out + text.slice(last);
}

/** regex.template_match: `{…}` parts of the template are regular expressions, the rest literal. */
function templateMatch([p, s, ds, de]: Value[], ctx: BuiltinContext): Value {
  const name = 'regex.template_match';
  const template = str(name, p!, 1);
  const text = str(name, s!, 2);
  charge(ctx, textUnits(text) + textUnits(template));
  const start = str(name, ds!, 3);
  const end = str(name, de!, 4);
  const startLen = new TextEncoder().encode(start).length;
  const endLen = new TextEncoder().encode(end).length;
  if (startLen !== 1) throw fail(name, `start delimiter has to be exactly one character long but is ${startLen} long`);
  // OPA reports the start delimiter's length here too.
  if (endLen !== 1) throw fail(name, `end delimiter has to be exactly one character long but is ${startLen} long`);
  let level = 0;
  let open = 0;
  let pattern = '^';
  let literalFrom = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === start) {
      if (++level === 1) open = i;
    } else if (c === end) {
      if (--level === 0) {
        const inner = template.slice(open + 1, i);
        regexpFor(name, `^${inner}$`); // each part must compile on its own
        pattern += quoteMeta(template.slice(literalFrom, open)) + `(${inner})`;
        literalFrom = i + 1;
      } else if (level < 0) {
        throw fail(name, `unbalanced braces in ${goQuote(template)}`);
      }
    }
  }
  if (level !== 0) throw fail(name, `unbalanced braces in ${goQuote(template)}`);
  pattern += quoteMeta(template.slice(literalFrom)) + '$';
  return regexpFor(name, pattern).match(text);
}

function globsMatch([a, b]: Value[]): Value {
  const name = 'regex.globs_match';
  const result = globsIntersect(str(name, a!, 1), str(name, b!, 2));
  if (typeof result === 'string') throw fail(name, result);
  return result;
}

export const regexBuiltins: BuiltinDef[] = [
  def('re_match', 2, matches('re_match')),
  def('regex.match', 2, matches('regex.match')),
  def('regex.is_valid', 1, ([p]) => {
    if (typeof p !== 'string') return false;
    try {
      compileRegexp(p);
      return true;
    } catch {
      return false;
    }
  }),
  def('regex.split', 2, split),
  def('regex.find_n', 3, findN),
  def('regex.find_all_string_submatch_n', 3, findAllSubmatch),
  def('regex.replace', 3, replace),
  def('regex.template_match', 4, templateMatch),
  def('regex.globs_match', 2, globsMatch),
];
