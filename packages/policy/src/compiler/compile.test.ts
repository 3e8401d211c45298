import { describe, expect, it } from 'vitest';
import { PolicyCompileError, compilePolicy, evaluate } from '../index.ts';

function compileError(source: string, regoVersion: 'v0' | 'v1' = 'v1'): PolicyCompileError {
  try {
    compilePolicy({ modules: [{ path: 'x.rego', source }], regoVersion });
  } catch (e) {
    if (e instanceof PolicyCompileError) return e;
    throw e;
  }
  throw new Error('expected a compile error');
}

describe('compile errors (OPA format: file:line:column: code: message)', () => {
  it.each([
    ['unsafe variable', 'package t\np if {\n  x > 1\n}', 'x.rego:3:3: rego_unsafe_var_error: var x is unsafe'],
    ['unsafe head variable', 'package t\np contains x if {\n  input.a\n}', 'x.rego:2:12: rego_unsafe_var_error: var x is unsafe'],
    ['recursion', 'package t\np if q\nq if p', 'x.rego:2:1: rego_recursion_error: rule data.t.p is recursive: data.t.p -> data.t.q -> data.t.p'],
    ['conflicting rule kinds', 'package t\np := 1\np contains 2', 'x.rego:3:1: rego_type_error: conflicting rules data.t.p found'],
    ['multiple defaults', 'package t\ndefault p := 1\ndefault p := 2', 'x.rego:3:1: rego_type_error: multiple default rules data.t.p found'],
    ['duplicate import', 'package t\nimport data.a\nimport data.a\np := 1', 'x.rego:3:1: rego_compile_error: import must not shadow import data.a'],
    ['shadowing input', 'package t\np if {\n  input := 1\n}', 'x.rego:3:3: rego_compile_error: variables must not shadow input (use a different variable name)'],
    ['deprecated builtin', 'package t\np if any([true])', 'x.rego:2:6: rego_type_error: deprecated built-in function calls in expression: any'],
    ['undefined function', 'package t\np if foo(1)', 'x.rego:2:6: rego_type_error: undefined function foo'],
    [
      'too many arguments',
      'package t\np if count(1, 2, 3)',
      'x.rego:2:6: rego_type_error: count: too many arguments\n\thave: (number, number, number)\n\twant: (any<string, array[any], object[any: any], set[any]>, number)',
    ],
    ['reassignment', 'package t\np if {\n  x := 1\n  x := 2\n}', 'x.rego:4:3: rego_compile_error: var x assigned above'],
    ['unused some', 'package t\np if {\n  some x\n  true\n}', 'x.rego:3:8: rego_compile_error: declared var x unused'],
    ['bad with target', 'package t\np if true with foo as 1', 'x.rego:2:11: rego_compile_error: with keyword target must reference existing input, data, or a function'],
  ])('%s', (_name, source, message) => {
    const e = compileError(source);
    expect(e.message).toBe(message);
    expect(e.errors[0]).toMatchObject({ path: 'x.rego' });
    expect(e.location?.line).toBe(e.errors[0]!.line);
  });

  it('names the root cause of unsafe expressions once', () => {
    expect(compileError('package t\np if {\n  y := x\n}').message).toBe('x.rego:3:8: rego_unsafe_var_error: var x is unsafe');
    expect(compileError('package t\np contains v if {\n  some v in x\n}').message).toBe('x.rego:3:13: rego_unsafe_var_error: var x is unsafe');
  });

  it('collects several errors', () => {
    const e = compileError('package t\np if { x > 1 }\nq if { y > 2 }');
    expect(e.errors.map((x) => x.message)).toEqual(['var x is unsafe', 'var y is unsafe']);
    expect(e.message).toMatch(/^2 errors occurred:/);
  });

  it('rejects rego.v1 violations in v0 modules that import it', () => {
    const e = compileError('package t\nimport rego.v1\np { true }', 'v0');
    expect(e.message).toContain('`if` keyword is required before rule body');
  });

  it('refuses disabled builtins', () => {
    try {
      compilePolicy({ modules: [{ path: 'x.rego', source: 'package t\np := opa.runtime()' }], disabledBuiltins: ['opa.runtime', 'trace'] });
      throw new Error('expected a compile error');
    } catch (e) {
      expect((e as Error).message).toBe('x.rego:2:6: rego_type_error: opa.runtime: builtin is disabled by the policy settings');
    }
  });

  it('allows deprecated builtins in v0 modules', () => {
    const p = compilePolicy({ modules: [{ path: 'x.rego', source: 'package t\np { any([true]) }' }], regoVersion: 'v0' });
    expect(p.rulePaths).toContain('data.t.p');
  });
});

describe('compiler behaviour', () => {
  const run = (source: string, query: string, input?: unknown) =>
    evaluate(compilePolicy({ modules: [{ path: 'x.rego', source }] }), { query, input }).bindings;

  it('reorders expressions for safety', () => {
    expect(run('package t\np := y if {\n  y > 1\n  y = input.n\n}', 'x = data.t.p', { n: 3 })).toEqual([{ x: 3 }]);
  });

  it('resolves imports and package-local rule names', () => {
    const p = compilePolicy({
      modules: [
        { path: 'a.rego', source: 'package lib\nlimit := 3' },
        { path: 'b.rego', source: 'package main\nimport data.lib\nimport input.items as xs\nok if count(xs) <= lib.limit\nall_ok if ok' },
      ],
    });
    expect(evaluate(p, { entrypoint: 'main/all_ok', input: { items: [1, 2] } }).result).toBe(true);
    expect(evaluate(p, { entrypoint: 'data.main.all_ok', input: { items: [1, 2, 3, 4] } }).result).toBeUndefined();
  });

  it('lets `:=` in a comprehension shadow an outer variable', () => {
    expect(run('package t\np := [x, ys] if {\n  x := 1\n  ys := [x | some x in [7, 8]]\n}', 'v = data.t.p')).toEqual([{ v: [1, [7, 8]] }]);
  });
});
