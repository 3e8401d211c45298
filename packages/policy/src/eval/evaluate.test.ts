import { describe, expect, it } from 'vitest';
import { PolicyBudgetError, PolicyEvalError, compilePolicy, evaluate } from '../index.ts';

function policy(source: string, regoVersion: 'v0' | 'v1' = 'v1') {
  return compilePolicy({ modules: [{ path: 'test.rego', source }], regoVersion });
}

function run(source: string, query: string, input?: unknown, regoVersion: 'v0' | 'v1' = 'v1') {
  return evaluate(policy(source, regoVersion), { query, input }).bindings;
}

function value(source: string, entrypoint: string, input?: unknown, data?: unknown) {
  return evaluate(policy(source), { entrypoint, input, data }).result;
}

function evalError(source: string, entrypoint: string, opts: { input?: unknown; strict?: boolean } = {}): PolicyEvalError {
  try {
    evaluate(policy(source), { entrypoint, ...opts });
  } catch (e) {
    if (e instanceof PolicyEvalError) return e;
    throw e;
  }
  throw new Error('expected an evaluation error');
}

describe('documents', () => {
  it('evaluates complete rules, partial sets and objects', () => {
    const src = `package t
      allow if input.user == "admin"
      deny contains msg if {
        some r in input.resources
        r.action == "delete"
        msg := sprintf("no delete of %s", [r.name])
      }
      names[r.name] := r.action if some r in input.resources`;
    const input = { user: 'admin', resources: [{ name: 'a', action: 'delete' }, { name: 'b', action: 'create' }] };
    expect(run(src, 'x = data.t.allow', input)).toEqual([{ x: true }]);
    expect(run(src, 'x = data.t.deny', input)).toEqual([{ x: ['no delete of a'] }]);
    expect(run(src, 'x = data.t.names', input)).toEqual([{ x: { a: 'delete', b: 'create' } }]);
    expect(run(src, 'data.t.deny[m]', input)).toEqual([{ m: 'no delete of a' }]);
  });

  it('distinguishes undefined from false, and applies defaults', () => {
    const src = `package t
      default allow := false
      allow if input.ok`;
    expect(value(src, 'data.t.allow', {})).toBe(false);
    expect(value(src, 'data.t.allow', { ok: true })).toBe(true);
    expect(value(src, 'data.t.nothing', {})).toBeUndefined();
    expect(run(src, 'data.t.nothing', {})).toEqual([]);
  });

  it('evaluates a package to an object of its rules (empty sets included)', () => {
    expect(value('package t\na := 1\nb contains x if { x := input.n }\nc if false', 'data.t', {})).toEqual({ a: 1, b: [] });
  });

  it('merges base data with virtual documents', () => {
    expect(value('package t.x\np := 1', 'data.t', undefined, { t: { y: 2 } })).toEqual({ x: { p: 1 }, y: 2 });
  });

  it('supports ref heads', () => {
    const src = `package t
      a.b[k].c := v if { some k, v in {"x": 1, "y": 2} }
      a.b.z.c := 3
      s.tags[k] contains t if { some k, ts in input; some t in ts }`;
    expect(value(src, 'data.t.a', {})).toEqual({ b: { x: { c: 1 }, y: { c: 2 }, z: { c: 3 } } });
    expect(value(src, 'data.t.s', { p: ['a', 'b'], q: ['c'] })).toEqual({ tags: { p: ['a', 'b'], q: ['c'] } });
  });

  it('supports v0 syntax', () => {
    const src = `package t
      deny[msg] { input.x > 1; msg := "big" }
      obj[k] = v { k := "a"; v := 1 }`;
    expect(run(src, 'x = data.t.deny', { x: 2 }, 'v0')).toEqual([{ x: ['big'] }]);
    expect(run(src, 'x = data.t.obj', {}, 'v0')).toEqual([{ x: { a: 1 } }]);
  });
});

describe('rules and functions', () => {
  it('evaluates else chains in order', () => {
    const src = `package t
      grade := "a" if input.n > 90
      else := "b" if input.n > 80
      else := "c"`;
    expect(value(src, 'data.t.grade', { n: 95 })).toBe('a');
    expect(value(src, 'data.t.grade', { n: 85 })).toBe('b');
    expect(value(src, 'data.t.grade', { n: 1 })).toBe('c');
  });

  it('calls functions with several definitions and pattern arguments', () => {
    const src = `package t
      f(1) := "one"
      f(x) := "big" if x > 10
      g([a, b]) := a + b
      p := [f(1), f(11), g([2, 3])]
      q := f(5)`;
    expect(value(src, 'data.t.p')).toEqual(['one', 'big', 5]);
    expect(value(src, 'data.t.q')).toBeUndefined();
  });

  it('reports conflicting outputs', () => {
    const e = evalError('package t\np := 1 if true\np := 2 if true', 'data.t.p');
    expect(e.code).toBe('eval_conflict_error');
    expect(e.message).toMatch(/^test\.rego:\d+: eval_conflict_error: complete rules must not produce multiple outputs$/);
    const f = evalError('package t\nf(x) := 1 if x\nf(x) := 2 if x\np := f(true)', 'data.t.p');
    expect(f.detail).toBe('functions must not produce multiple outputs for same inputs');
    const o = evalError('package t\np[k] := v if { some k, v in {"a": 1, "b": 2}; k = "a" }\np.a := 3', 'data.t.p');
    expect(o.detail).toBe('object keys must be unique');
  });
});

describe('expressions', () => {
  it('iterates with some, every and not', () => {
    const src = `package t
      all_small if every x in input.xs { x < 10 }
      none_neg if not any_neg
      any_neg if { some x in input.xs; x < 0 }`;
    expect(value(src, 'data.t.all_small', { xs: [1, 2] })).toBe(true);
    expect(value(src, 'data.t.all_small', { xs: [1, 20] })).toBeUndefined();
    expect(value(src, 'data.t.all_small', { xs: [] })).toBe(true);
    expect(value(src, 'data.t.none_neg', { xs: [1] })).toBe(true);
    expect(value(src, 'data.t.none_neg', { xs: [-1] })).toBeUndefined();
  });

  it('treats `not` over an undefined operand as true', () => {
    expect(value('package t\np if not input.x == 1', 'data.t.p', {})).toBe(true);
    expect(value('package t\np if not input.x == 1', 'data.t.p', { x: 1 })).toBeUndefined();
  });

  it('builds comprehensions', () => {
    const src = `package t
      a := [y | some x in input; y := x * 2]
      s := {x | some x in input; x > 1}
      o := {k: v | some k, v in {"a": 1}}`;
    expect(value(src, 'data.t', [1, 2, 2])).toEqual({ a: [2, 4, 4], s: [2], o: { a: 1 } });
  });

  it('unifies composite terms in both directions', () => {
    expect(run('package t', '[x, y] = [y, 1]')).toEqual([{ x: 1, y: 1 }]);
    expect(run('package t', '{"a": x} = {"a": [1, 2]}; [_, z] = x')).toEqual([{ x: [1, 2], z: 2 }]);
  });

  it('keeps big integers exact', () => {
    expect(run('package t', 'x := 9007199254740993 + 2')).toEqual([{ x: 9007199254740995n }]);
  });

  it('formats template strings and prints', () => {
    const p = policy('package t\np := $"hello {input.name}, {count(input.xs)} items, {input.missing}" if print("name:", input.name, input.missing)');
    const r = evaluate(p, { entrypoint: 'data.t.p', input: { name: 'ann', xs: [1, 2] } });
    expect(r.result).toBe('hello ann, 2 items, <undefined>');
    expect(r.prints).toEqual(['name: ann <undefined>']);
  });

  it('applies with to input, data and functions', () => {
    const src = `package t
      p if input.x == 1
      q if data.cfg.on
      r := count([1, 2, 3])
      f(x) := x + 1
      s := f(1)
      mock(_) := 42
      t1 if p with input.x as 1
      t2 if q with data.cfg.on as true
      t3 := v if v := r with count as mock
      t4 := v if v := s with f as 100`;
    expect(value(src, 'data.t.t1', {})).toBe(true);
    expect(value(src, 'data.t.t2', {})).toBe(true);
    expect(value(src, 'data.t.t3', {})).toBe(42);
    expect(value(src, 'data.t.t4', {})).toBe(100);
    expect(value(src, 'data.t.r', {})).toBe(3);
  });

  it('walks nested values', () => {
    expect(run('package t', 'walk({"a": [1]}, [p, v]); v == 1')).toEqual([{ p: ['a', 0], v: 1 }]);
  });
});

describe('builtin errors', () => {
  it('make the call undefined unless strict', () => {
    const src = 'package t\np := x if x := 1 / input.d';
    expect(value(src, 'data.t.p', { d: 0 })).toBeUndefined();
    const e = evalError(src, 'data.t.p', { input: { d: 0 }, strict: true });
    expect(e.code).toBe('eval_builtin_error');
    expect(e.message).toContain('div: divide by zero');
  });

  it('report type errors with their code when strict', () => {
    const e = evalError('package t\np := count(input)', 'data.t.p', { input: 1, strict: true });
    expect(e.code).toBe('eval_type_error');
    expect(e.message).toMatch(/^test\.rego:2: eval_type_error: count: operand 1 must be/);
  });

  it('refuse http.send', () => {
    const e = evalError('package t\np := http.send({"method": "get", "url": "http://x"})', 'data.t.p');
    expect(e.message).toContain('http.send is disabled in Gantry');
  });

  it('keeps time.now_ns fixed during one evaluation', () => {
    const p = policy('package t\np if time.now_ns() == time.now_ns()\nn := time.now_ns()');
    expect(evaluate(p, { entrypoint: 'data.t.p' }).result).toBe(true);
    expect(evaluate(p, { entrypoint: 'data.t.n', nowNs: 123n }).result).toBe(123);
  });
});

describe('budgets', () => {
  it('stops long evaluations at the time budget', () => {
    const p = policy('package t\np := count([x | some a in numbers.range(1, 2000); some b in numbers.range(1, 2000); x := a * b])');
    const t0 = performance.now();
    expect(() => evaluate(p, { entrypoint: 'data.t.p', budget: { timeMs: 50 } })).toThrow(PolicyBudgetError);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('stops at the step budget', () => {
    const p = policy('package t\np := count([x | some x in numbers.range(1, 100000)])');
    try {
      evaluate(p, { entrypoint: 'data.t.p', budget: { maxSteps: 5000 } });
      throw new Error('expected a budget error');
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyBudgetError);
      expect((e as PolicyBudgetError).budget).toBe('steps');
      expect((e as PolicyBudgetError).code).toBe('eval_budget_error');
    }
  });

  it('bounds nesting depth', () => {
    // A chain of rules, each depending on the next.
    const rules = Array.from({ length: 300 }, (_, i) => `p${i} := p${i + 1} + 1`).join('\n');
    const p = policy(`package t\n${rules}\np300 := 0`);
    expect(evaluate(p, { entrypoint: 'data.t.p0' }).result).toBe(300);
    expect(() => evaluate(p, { entrypoint: 'data.t.p0', budget: { maxDepth: 100 } })).toThrow(/maximum nesting depth/);
  });
});

describe('comprehension caching and indexing', () => {
  const src = `package t
    counts[r.name] := n if {
      some r in input.rs
      n := count([x | some x in input.rs; x.kind == r.kind])
    }
    peers[r.name] := ps if {
      some r in input.rs
      k := r.kind
      ps := {x.name: x.size | some x in input.rs; x.kind = k}
    }
    total := t if {
      some r in input.rs
      r.name == "a"
      t := count([x | some x in input.rs])
    }`;
  const rs = [
    { name: 'a', kind: 'k1', size: 1 },
    { name: 'b', kind: 'k1', size: 2 },
    { name: 'c', kind: 'k2', size: 3 },
  ];

  it('gives the same results as evaluating per binding', () => {
    expect(value(src, 'data.t.counts', { rs })).toEqual({ a: 2, b: 2, c: 1 });
    expect(value(src, 'data.t.peers', { rs })).toEqual({ a: { a: 1, b: 2 }, b: { a: 1, b: 2 }, c: { c: 3 } });
    expect(value(src, 'data.t.total', { rs })).toBe(3);
  });

  it('recomputes inside with', () => {
    const p = policy(`${src}\n      q := [counts, c2] if c2 := counts with input.rs as [{"name": "z", "kind": "k"}]`);
    expect(evaluate(p, { entrypoint: 'data.t.q', input: { rs } }).result).toEqual([{ a: 2, b: 2, c: 1 }, { z: 1 }]);
  });

  it('keeps large self-joins fast', () => {
    const big = Array.from({ length: 3000 }, (_, i) => ({ name: `n${i}`, kind: `k${i % 7}`, size: i }));
    const t0 = performance.now();
    const r = value(src, 'data.t.counts', { rs: big }) as Record<string, number>;
    expect(r.n0).toBe(429);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('comprehension indexing edge cases', () => {
  it('yields an empty collection when the outer key is undefined', () => {
    const src = `package t
      n[r.name] := c if {
        some r in input.rs
        c := count([x | some x in input.rs; x.kind == r.kind])
      }`;
    expect(value(src, 'data.t.n', { rs: [{ name: 'a' }, { name: 'b', kind: 1 }] })).toEqual({ a: 0, b: 1 });
  });
});

describe('output limits', () => {
  it('refuses to build huge ranges', () => {
    const p = policy('package t\np := count(numbers.range(1, 1e12))');
    expect(() => evaluate(p, { entrypoint: 'data.t.p' })).toThrow(/numbers.range would build more than 10000000 elements/);
  });

  it('bounds the number of results', () => {
    const p = policy('package t');
    expect(() => evaluate(p, { query: 'x := numbers.range(1, 1000)[_]', budget: { maxResults: 10 } })).toThrow(PolicyBudgetError);
  });
});
