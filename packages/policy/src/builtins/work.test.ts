import { describe, expect, it } from 'vitest';
import { PolicyBudgetError, compilePolicy, evaluate } from '../index.ts';

// Builtins charge their work to the evaluation budget, so one call on a huge input (or an
// exponential traversal) stops at the budget instead of running for minutes.

function run(body: string, budget: { timeMs?: number; maxSteps?: number }) {
  const policy = compilePolicy({ modules: [{ path: 'p.rego', source: `package t\n${body}` }] });
  const started = performance.now();
  let error: unknown;
  let result: unknown;
  try {
    result = evaluate(policy, { entrypoint: 'data.t.p', budget, strict: true }).result;
  } catch (e) {
    error = e;
  }
  return { error, result, ms: performance.now() - started };
}

const TIME_BUDGET = 300;

describe('builtins stop at the evaluation budget', () => {
  const heavy: [string, string][] = [
    // 2^40 paths through a layered graph: finishing would take forever and all the memory.
    [
      'graph.reachable_paths',
      'g := {sprintf("%d", [i]): [sprintf("%d", [i + 1]), sprintf("%d", [i + 2])] | some i in numbers.range(1, 40)}\np := count(graph.reachable_paths(g, ["1"]))',
    ],
    // 40,000 × 40,000 prefix checks in one call.
    [
      'strings.any_prefix_match',
      'a := [sprintf("s%d", [i]) | some i in numbers.range(1, 40000)]\np := strings.any_prefix_match(a, [sprintf("x%d", [i]) | some i in numbers.range(1, 40000)])',
    ],
    // 16 million addresses.
    ['net.cidr_expand', 'p := count(net.cidr_expand("10.0.0.0/8"))'],
    // A pattern table tried at every position of a long text.
    [
      'strings.replace_n',
      'pats := {sprintf("k%d", [i]): "v" | some i in numbers.range(1, 3000)}\ns := concat("", ["ab" | some i in numbers.range(1, 200000)])\np := count(strings.replace_n(pats, s))',
    ],
    // Each patch operation copies a large object.
    [
      'json.patch',
      'd := {sprintf("%d", [i]): i | some i in numbers.range(1, 20000)}\nops := [{"op": "add", "path": sprintf("/x%d", [i]), "value": i} | some i in numbers.range(1, 20000)]\np := count(json.patch(d, ops))',
    ],
    // Nested template ranges multiply.
    ['strings.render_template', 'p := count(strings.render_template("{{range .x}}{{range $.x}}{{range $.x}}.{{end}}{{end}}{{end}}", {"x": numbers.range(1, 1000)}))'],
  ];

  it.each(heavy)('%s is stopped by the time budget with a PolicyBudgetError', (_name, body) => {
    const { error, ms } = run(body, { timeMs: TIME_BUDGET });
    expect(error).toBeInstanceOf(PolicyBudgetError);
    expect((error as PolicyBudgetError).budget).toBe('time');
    expect((error as PolicyBudgetError).message).toMatch(/exceeded its time budget of 300 ms/);
    // Stopped close to the budget, not when the call would have finished.
    expect(ms).toBeLessThan(TIME_BUDGET + 1000);
  });

  it('counts builtin work against the step budget too', () => {
    // Building the argument takes a few thousand steps; sorting it takes far more.
    const { error } = run('p := count(sort([x | some i in numbers.range(1, 50000); x := 50000 - i]))', { maxSteps: 200_000 });
    expect(error).toBeInstanceOf(PolicyBudgetError);
    expect((error as PolicyBudgetError).budget).toBe('steps');
  });

  it('json.patch still turns a bad operation into undefined (budget errors are not swallowed)', () => {
    expect(run('p := json.patch({"a": 1}, [{"op": "remove", "path": "/b"}])', {}).result).toBeUndefined();
    expect(run('p := json.patch({"a": 1}, [{"op": "add", "path": "/b", "value": 2}])', {}).result).toEqual({ a: 1, b: 2 });
  });
});

describe('builtins made linear while adding budget checks keep their results', () => {
  it('object.union_n merges left to right, recursively', () => {
    const { result } = run('p := object.union_n([{"a": {"x": 1}, "b": 1}, {"a": {"y": 2}}, {"b": 3, "c": 4}])', {});
    expect(result).toEqual({ a: { x: 1, y: 2 }, b: 3, c: 4 });
    const many = run('p := count(object.union_n([{sprintf("%d", [i]): i} | some i in numbers.range(1, 20000)]))', { timeMs: 5000 });
    expect(many.result).toBe(20000);
  });

  it('union and intersection of many sets', () => {
    expect(run('p := union({{1, 2}, {2, 3}, {4}})', {}).result).toEqual([1, 2, 3, 4]);
    expect(run('p := intersection({{1, 2, 3}, {2, 3}, {3, 2, 9}})', {}).result).toEqual([2, 3]);
    expect(run('p := count(union({{i} | some i in numbers.range(1, 20000)}))', { timeMs: 5000 }).result).toBe(20000);
  });

  it('indexof_n counts runes in non-ASCII text', () => {
    expect(run('p := indexof_n("aé😀aé😀a", "a")', {}).result).toEqual([0, 3, 6]);
    expect(run('p := indexof_n("😀😀", "😀")', {}).result).toEqual([0, 1]);
  });

  it('graph.reachable over a long chain', () => {
    expect(run('g := {i: [i + 1] | some i in numbers.range(1, 50000)}\np := count(graph.reachable(g, [1]))', { timeMs: 5000 }).result).toBe(50000);
  });

  it('net.cidr_merge merges touching and nested ranges', () => {
    expect(run('p := net.cidr_merge(["10.0.0.0/25", "10.0.0.128/25", "10.0.1.0/24", "192.168.0.0/24", "192.168.0.5/32"])', {}).result).toEqual([
      '10.0.0.0/23',
      '192.168.0.0/24',
    ]);
  });

  it('small inputs that would expand into huge work fail fast, as Go does where it has a rule', () => {
    const quick = (body: string) => {
      const r = run(body, { timeMs: 2000 });
      expect(r.ms).toBeLessThan(1000);
      return r;
    };
    // Go's ParseFloat: out of range (OPA returns that error).
    expect(String(quick('p := to_number("1e100000000")').error)).toMatch(/to_number: strconv.ParseFloat: parsing "1e100000000": value out of range/);
    expect(String(quick('p := json.unmarshal("1e100000000")').error)).toMatch(/json.unmarshal: number too large/);
    expect(quick('p := json.is_valid("1e100000000")').result).toBe(true);
    // Go's fmt refuses widths and precisions beyond a million.
    expect(quick('p := sprintf("%.99999999f", [1.5])').result).toBe('%!(NOVERB)%!(EXTRA float64=1.5)');
    expect(quick('p := sprintf("%*d", [99999999, 1])').result).toBe('%!(BADWIDTH)1');
    // A template `range N` counts lazily, under the budget.
    const { error } = run('p := strings.render_template("{{range 100000000}}x{{end}}", {})', { timeMs: 300 });
    expect(error).toBeInstanceOf(PolicyBudgetError);
  });

  it('refuses integers beyond 2^24 bits instead of computing for minutes', () => {
    const { error } = run('p := product([bits.lsh(1, 16000000) | some i in numbers.range(1, 4)])', {});
    expect(String(error)).toMatch(/product: integer result too large/);
  });
});
