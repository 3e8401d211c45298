import { describe, expect, it } from 'vitest';
import { type ParseOptions, RegoParseError, parseModule, parseQuery, parseTermText } from './parser.ts';
import type { Expr, Term } from './ast.ts';
import { formatBody, formatTerm } from '../format.ts';

const v1 = { regoVersion: 'v1' as const };
const v0 = { regoVersion: 'v0' as const };

function parseError(src: string, opts: ParseOptions = v1): string {
  try {
    parseModule('p.rego', src, opts);
  } catch (e) {
    if (e instanceof RegoParseError) return e.message;
    throw e;
  }
  throw new Error('expected a parse error');
}

describe('parser', () => {
  it('parses v1 rules: if, contains, every, some … in, default, else, functions', () => {
    const m = parseModule(
      'p.rego',
      `package a.b
       import rego.v1
       default allow := false
       allow if input.user == "admin"
       deny contains msg if {
         some r in input.resources
         every t in r.tags { t != "" }
         msg := "x"
       }
       f(x) := y if { y := x + 1 } else := 0
       a.b[c].d contains e if { c := 1; e := 2 }`,
      v1,
    );
    expect(m.package.path.map(formatTerm)).toEqual(['data', '"a"', '"b"']);
    expect(m.rules).toHaveLength(5);
    const [def, allow, deny, f, ref] = m.rules;
    expect(def!.default).toBe(true);
    expect(allow!.head.keywords).toContain('if');
    expect(deny!.head.key).toBeDefined();
    expect(deny!.head.value).toBeUndefined();
    expect(f!.head.args).toHaveLength(1);
    expect(f!.else).toBeDefined();
    expect(ref!.head.ref.map(formatTerm)).toEqual(['a', '"b"', 'c', '"d"']);
  });

  it('parses v0 syntax, and future keywords only when imported', () => {
    const m = parseModule('p.rego', 'package a\ndeny[msg] { input.x; msg := "no" }\np { q }\nq = 1 { true }', v0);
    expect(m.rules[0]!.head.key).toBeDefined();
    expect(m.rules[0]!.head.ref).toHaveLength(1);
    // `contains` is an identifier in v0 without the import…
    expect(() => parseModule('p.rego', 'package a\np contains x if { x := 1 }', v0)).toThrow(RegoParseError);
    // …and a keyword with it.
    const m2 = parseModule('p.rego', 'package a\nimport future.keywords.contains\nimport future.keywords.if\np contains x if { x := 1 }', v0);
    expect(m2.rules[0]!.head.keywords).toEqual(['contains', 'if']);
  });

  it('allows whitespace between a rule name and its ref (v0 style)', () => {
    const m = parseModule('p.rego', 'package a\ndeny [msg] { msg := "x" }\nf (x) = x { true }', v0);
    expect(m.rules[0]!.head.key).toBeDefined();
    expect(m.rules[1]!.head.args).toHaveLength(1);
  });

  it('lets keywords appear in refs', () => {
    const m = parseModule('p.rego', 'package foo.if.bar\nif.x := 1\np if input.not.every == data.in', v1);
    expect(m.package.path.map(formatTerm)).toEqual(['data', '"foo"', '"if"', '"bar"']);
    expect(formatTerm(m.rules[0]!.head.ref[1]!)).toBe('"x"');
  });

  it('parses operators with OPA precedence', () => {
    const body = parseQuery('x := 1 + 2 * 3 == 7 | 1');
    expect(formatBody(body)).toBe('x := equal(plus(1, mul(2, 3)), or(7, 1))');
    expect(formatBody(parseQuery('a in b'))).toBe('internal.member_2(a, b)');
    expect(formatBody(parseQuery('k, v in b'))).toBe('internal.member_3(k, v, b)');
  });

  it('disambiguates comprehensions from | calls', () => {
    const t = parseTermText('{x | x := input[_]}');
    expect(t.type).toBe('setcomp');
    const u = parseTermText('{1 | 2, 3}');
    expect(u.type).toBe('set');
  });

  it('requires refs to be written without whitespace', () => {
    // `a [1]` is a term followed by another statement, not a ref.
    expect(parseQuery('x := a [1]')).toHaveLength(2);
    expect(parseTermText('a[1].b').type).toBe('ref');
  });

  it('keeps big integers exact and reads exponents', () => {
    const big = parseTermText('123456789012345678901234567890') as Term & { value: bigint };
    expect(big.value).toBe(123456789012345678901234567890n);
    expect((parseTermText('1e3') as { value: unknown }).value).toBe(1000);
    expect((parseTermText('-0.5') as { value: unknown }).value).toBe(-0.5);
    expect((parseTermText('.5') as { value: unknown }).value).toBe(0.5);
  });

  it('parses template strings with embedded expressions', () => {
    const t = parseTermText('$"a {x} b {1 + 2} \\{c}"');
    expect(t.type).toBe('template');
    if (t.type !== 'template') return;
    expect(t.parts.map((p) => (p.type === 'expr' ? 'expr' : p.type))).toEqual(['string', 'expr', 'string', 'expr', 'string']);
    expect((t.parts[4] as { value: string }).value).toBe(' {c}');
    const raw = parseTermText('$`line1\n{x}`');
    expect(raw.type).toBe('template');
  });

  it('parses with modifiers and negation', () => {
    const body = parseQuery('not data.p with input as {"a": 1} with count as mock');
    const e = body[0] as Expr;
    expect(e.negated).toBe(true);
    expect(e.with).toHaveLength(2);
  });

  it('reports parse errors with file, line and column', () => {
    expect(parseError('package a\np if {\n  x := \n}')).toBe('p.rego:4:1: rego_parse_error: unexpected } token');
    expect(parseError('package a\np := [1, 2')).toMatch(/^p\.rego:2:11: rego_parse_error: unexpected eof token/);
    expect(parseError('p := 1')).toMatch(/package expected/);
    expect(parseError('package a\np := "unterminated')).toMatch(/^p\.rego:2:6: rego_parse_error: non-terminated string/);
  });

  it('hints at importing v1 keywords in v0 modules', () => {
    expect(parseError('package a\np if { true }', v0)).toContain('hint: `if` is a keyword of Rego v1');
    expect(parseError('package a\np { 1 in [1] }', v0)).toContain('hint: `in` is a keyword of Rego v1');
  });

  it('enforces v1 keyword requirements', () => {
    expect(parseError('package a\np { true }')).toBe('p.rego:2:1: rego_parse_error: `if` keyword is required before rule body');
    expect(parseError('package a\np[x] if { x := 1 }\nq[x] { x := 1 }')).toContain('`contains` keyword is required for partial set rules');
    expect(parseError('package a\nif := 1')).toBe('p.rego:2:1: rego_parse_error: unexpected if keyword');
  });

  it('parses METADATA annotations', () => {
    const m = parseModule('p.rego', '# METADATA\n# title: Pkg\npackage a\n\n# METADATA\n# title: Rule\n# custom:\n#   severity: high\np := 1', v1);
    expect(m.annotations.map((a) => a.scope)).toEqual(['package', 'rule']);
    expect(m.rules[0]!.annotations?.[0]?.json).toMatchObject({ title: 'Rule', custom: { severity: 'high' } });
  });
});
