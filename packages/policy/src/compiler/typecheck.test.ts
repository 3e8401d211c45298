import { describe, expect, it } from 'vitest';
import { PolicyCompileError, compilePolicy } from '../index.ts';

function typeError(source: string): string {
  try {
    compilePolicy({ modules: [{ path: 'x.rego', source }] });
  } catch (e) {
    if (e instanceof PolicyCompileError) return e.message;
    throw e;
  }
  throw new Error('expected a compile error');
}

const accepts = (source: string) => compilePolicy({ modules: [{ path: 'x.rego', source }] }).rulePaths;

describe('compile-time type checks (OPA messages)', () => {
  it('checks builtin operands, nested element types included', () => {
    expect(typeError('package t\np if count(1) > 0')).toBe(
      'x.rego:2:6: rego_type_error: count: invalid argument(s)\n\thave: (number)\n\twant: (any<string, array[any], object[any: any], set[any]>, number)',
    );
    expect(typeError('package t\np := concat(",", [1, 2])')).toBe(
      'x.rego:2:6: rego_type_error: concat: invalid argument(s)\n\thave: (string, array<number, number>)\n\twant: (string, any<array[string], set[string]>, string)',
    );
    expect(typeError('package t\np := "a" + 1')).toContain('plus: invalid argument(s)\n\thave: (string, number)');
    expect(typeError('package t\np := sanitized(1)')).toBe(
      'x.rego:2:6: rego_type_error: sanitized: invalid argument(s)\n\thave: (number)\n\twant: (string, string)',
    );
  });

  it('follows types through variables, rule values, function results and comprehensions', () => {
    expect(typeError('package t\nconf := {"regions": ["eu"], "max": 3}\np if startswith(conf.max, "a")')).toBe(
      'x.rego:3:6: rego_type_error: startswith: invalid argument(s)\n\thave: (number, string)\n\twant: (string, string, boolean)',
    );
    expect(typeError('package t\nf(x) := count(x)\np if startswith(f([1]), "a")')).toContain('startswith: invalid argument(s)\n\thave: (number, string)');
    expect(typeError('package t\ns := {"a", "b"}\np if {\n  some x in s\n  x + 1 > 2\n}')).toBe(
      'x.rego:5:3: rego_type_error: plus: invalid argument(s)\n\thave: (string, number)\n\twant: (number, number, number)',
    );
    expect(typeError('package t\np if {\n  xs := [x | some x in numbers.range(1, 3)]\n  upper(xs[0])\n}')).toContain('upper: invalid argument(s)\n\thave: (number)');
    expect(typeError('package t\np if {\n  [a, b] := [1, "x"]\n  upper(a)\n}')).toContain('upper: invalid argument(s)\n\thave: (number)');
  });

  it('reports references into values that cannot have them', () => {
    expect(typeError('package t\np if {\n  x := {"a": 1, "b": "s"}\n  x.c\n}')).toBe(
      'x.rego:4:3: rego_type_error: undefined ref: x.c\n\tx.c\n\t  ^\n\t  have: "c"\n\t  want (one of): ["a" "b"]',
    );
    expect(typeError('package t\nconf := {"regions": ["eu"], "max": 3}\np if conf.maxx > 2')).toBe(
      'x.rego:3:6: rego_type_error: undefined ref: data.t.conf.maxx\n\tdata.t.conf.maxx\n\t            ^\n\t            have: "maxx"\n\t            want (one of): ["max" "regions"]',
    );
    expect(typeError('package t\np if {\n  x := 1\n  x.foo\n}')).toBe('x.rego:4:3: rego_type_error: undefined ref: x.foo\n\tx.foo\n\t^\n\thave: number');
    expect(typeError('package t\np if {\n  x := [1, 2]\n  x[5]\n}')).toContain('undefined ref: x[5]');
  });

  it('reports unifications that cannot succeed', () => {
    expect(typeError('package t\np if 1 = "a"')).toBe('x.rego:2:6: rego_type_error: match error\n\tleft  : number\n\tright : string');
    expect(typeError('package t\np if {\n  x := 1\n  x = "a"\n}')).toContain('match error\n\tleft  : number\n\tright : string');
  });

  it('keeps the undefined-function and arity errors', () => {
    expect(typeError('package t\np if startwith("a", "b")')).toBe('x.rego:2:6: rego_type_error: undefined function startwith');
    expect(typeError('package t\np if count()')).toMatch(/^x\.rego:2:6: rego_type_error: count: too few arguments\n\thave: \(\)\n/);
  });

  it('accepts what is only known at run time, and unions of types', () => {
    expect(accepts('package t\np if count(input.x) > 0\nq := lower(input.name)')).toEqual(['data.t.p', 'data.t.q']);
    expect(accepts('package t\np if {\n  some x in [1, "a"]\n  startswith(x, "a")\n}')).toEqual(['data.t.p']);
    expect(accepts('package t\ndefault p := 1\np := "a" if input.x\nq if startswith(p, "x")')).toHaveLength(2);
    expect(accepts('package t\nf(x) := 1 if x > 1 else := "a"\np if upper(f(2))')).toHaveLength(2);
    expect(accepts('package t\np if {\n  x := input.y\n  upper(x)\n  x + 1\n}')).toEqual(['data.t.p']);
    expect(accepts('package t\np if {\n  walk(input, [path, v])\n  count(path) > 1\n}')).toEqual(['data.t.p']);
    expect(accepts('package t\nq contains x if some x in input.xs\np if {\n  some y in q\n  y.foo\n}')).toHaveLength(2);
    expect(accepts('package t\nobj := {}\np if obj.anything == 1\nr := object.get({"a": 1}, "b", 0)')).toHaveLength(3);
    expect(accepts('package t\np[k] := v if some k, v in input.m\nq if p.x.y.z')).toHaveLength(2);
    expect(accepts('package t\nf(x) := x.a.b\np := f({"a": {"b": 1}})')).toHaveLength(2);
    expect(accepts('package t\nimport rego.v1\ndeny contains msg if {\n  some r in input.rc\n  msg := sprintf("%s", [r.address])\n}\nwarn contains m if {\n  some m in deny\n  startswith(m, "x")\n}')).toHaveLength(2);
  });
});
