import { afterAll, describe, expect, it } from 'vitest';
import { PolicyBudgetError, PolicyCompileError, PolicyEvalError, PolicySandboxError, compilePolicy } from '../index.ts';
import { createPolicySandbox, defaultWorkerUrl } from './sandbox.ts';

// These tests start real worker threads from TypeScript source (through tsx's loader), as the
// app does when it runs from source.

const policy = (source: string, path = 'p.rego') => ({ modules: [{ path, source }] });

const sandbox = createPolicySandbox({ maxWorkers: 2, memoryLimitMb: 64, killGraceMs: 500 });
afterAll(() => sandbox.close());

describe('policy sandbox', () => {
  it('evaluates a compiled policy or its source in a worker, with plain results', async () => {
    const src = 'package spacelift\ndeny contains msg if {\n  some r in input.changes\n  msg := sprintf("no %s", [r])\n}\nprint_it if print("hello")';
    const compiled = compilePolicy(policy(src));
    const input = { changes: ['a', 'b'] };
    const a = await sandbox.evaluate(compiled, { entrypoint: 'data.spacelift.deny', input });
    expect(a.result).toEqual(['no a', 'no b']);
    const b = await sandbox.evaluate(policy(src), { query: 'data.spacelift.deny[x]', inputJSON: JSON.stringify(input) });
    expect(b.bindings).toEqual([{ x: 'no a' }, { x: 'no b' }]);
    const c = await sandbox.evaluate(policy(src), { entrypoint: 'spacelift/print_it' });
    expect(c).toEqual({ result: true, bindings: [], prints: ['hello'], builtinErrors: [] });
  }, 30_000);

  it('offers Spacelift helpers like compilePolicy does', async () => {
    const r = await sandbox.evaluate(policy('package t\np := sanitized("exampledb")'), { entrypoint: 'data.t.p' });
    expect(r.result).toBe('59832d41');
  }, 30_000);

  it('rebuilds errors as the same classes, codes and messages', async () => {
    const bad = sandbox.evaluate(policy('package t\np if {\n  x := 1\n  y\n}'), { entrypoint: 'data.t.p' });
    await expect(bad).rejects.toBeInstanceOf(PolicyCompileError);
    const err = (await bad.catch((e: unknown) => e)) as PolicyCompileError;
    expect(err.errors[0]).toMatchObject({ path: 'p.rego', line: 4, code: 'rego_unsafe_var_error' });

    const conflict = await sandbox
      .evaluate(policy('package t\np := 1\np := 2 if true'), { entrypoint: 'data.t.p' })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(PolicyEvalError);
    expect((conflict as PolicyEvalError).code).toBe('eval_conflict_error');
    expect((conflict as PolicyEvalError).message).toBe('p.rego:3: eval_conflict_error: complete rules must not produce multiple outputs');
    expect((conflict as PolicyEvalError).location).toEqual({ path: 'p.rego', line: 3, column: 1 });

    const lenient = await sandbox.evaluate(policy('package t\np := to_number("x")'), { entrypoint: 'data.t.p' });
    expect(lenient.result).toBeUndefined();
    expect(lenient.builtinErrors[0]).toBeInstanceOf(PolicyEvalError);
    expect(lenient.builtinErrors[0]!.code).toBe('eval_builtin_error');
  }, 30_000);

  it('stops a policy that loops a builtin over a huge input at its budget', async () => {
    // 40,000 × 40,000 prefix checks in one builtin call: minutes of work, stopped at the budget.
    const names = (p: string) => Array.from({ length: 40_000 }, (_, i) => `${p}-${i}`);
    const inputJSON = JSON.stringify({ names: names('stack'), prefixes: names('team') });
    await sandbox.warmUp();
    const started = performance.now();
    const err = await sandbox
      .evaluate(policy('package t\np := strings.any_prefix_match(input.names, input.prefixes)'), {
        entrypoint: 'data.t.p',
        inputJSON,
        budget: { timeMs: 300 },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyBudgetError);
    expect((err as PolicyBudgetError).budget).toBe('time');
    expect((err as PolicyBudgetError).message).toBe('eval_budget_error: evaluation exceeded its time budget of 300 ms');
    expect(performance.now() - started).toBeLessThan(300 + 700);
    expect(sandbox.stats.killedForTime).toBe(0); // stopped by the cooperative budget, no kill needed
  }, 30_000);

  it('stops an exponential builtin traversal at its budget', async () => {
    // 2^40 paths: the builtin itself would run for ever.
    const src = 'package t\ng := {sprintf("%d", [i]): [sprintf("%d", [i + 1]), sprintf("%d", [i + 2])] | some i in numbers.range(1, 40)}\np := count(graph.reachable_paths(g, ["1"]))';
    const err = await sandbox.evaluate(policy(src), { entrypoint: 'data.t.p', budget: { timeMs: 300 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyBudgetError);
    expect((err as PolicyBudgetError).budget).toBe('time');
  }, 30_000);

  it('terminates a worker stuck in one long builtin call and keeps serving', async () => {
    // The test worker has a builtin that busy-waits without reporting work, like a runaway
    // builtin would; the hard wall-clock limit (budget + killGraceMs) terminates the worker.
    const stuck = createPolicySandbox({ maxWorkers: 1, killGraceMs: 300, workerUrl: new URL('./testdata/spin-worker.ts', import.meta.url) });
    try {
      await stuck.warmUp();
      const started = performance.now();
      const err = await stuck
        .evaluate(policy('package t\np := test.spin_ms(60000)'), { entrypoint: 'data.t.p', budget: { timeMs: 200 } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PolicyBudgetError);
      expect((err as PolicyBudgetError).budget).toBe('time');
      expect((err as Error).message).toBe(
        'eval_budget_error: evaluation exceeded its time budget of 200 ms and did not stop; its sandbox worker was terminated',
      );
      expect(performance.now() - started).toBeLessThan(200 + 300 + 1000);
      expect(stuck.stats.killedForTime).toBe(1);
      const next = await stuck.evaluate(policy('package t\np := test.spin_ms(1)'), { entrypoint: 'data.t.p' });
      expect(next.result).toBe(true);
      expect(stuck.stats.started).toBe(2);
    } finally {
      await stuck.close();
    }
  }, 60_000);

  it('kills a policy that allocates without bound at the memory limit, then serves the next evaluation', async () => {
    const before = sandbox.stats.killedForMemory;
    const hog = 'package t\np := count([x | some i in numbers.range(1, 9000000); x := sprintf("%d-%d-%d", [i, i, i])])';
    const err = await sandbox.evaluate(policy(hog), { entrypoint: 'data.t.p', budget: { timeMs: 60_000 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyBudgetError);
    expect((err as PolicyBudgetError).budget).toBe('memory');
    expect((err as Error).message).toBe(
      'eval_budget_error: evaluation exceeded the sandbox memory limit of 64 MB; its sandbox worker was terminated',
    );
    expect(sandbox.stats.killedForMemory).toBe(before + 1);
    const next = await sandbox.evaluate(policy('package t\np := upper("still serving")'), { entrypoint: 'data.t.p' });
    expect(next.result).toBe('STILL SERVING');
  }, 120_000);

  it('runs evaluations concurrently: a slow one does not hold up the others', async () => {
    await sandbox.warmUp(); // both workers started (worker start-up is not what this measures)
    const slow = sandbox
      .evaluate(policy('package t\ng := {i: [i + 1, i + 2] | some i in numbers.range(1, 60)}\np := count(graph.reachable_paths(g, [1]))'), {
        entrypoint: 'data.t.p',
        budget: { timeMs: 3000 },
      })
      .then(
        () => 'finished',
        () => performance.now(),
      );
    const quick: number[] = [];
    const many = Array.from({ length: 6 }, (_, i) =>
      sandbox.evaluate(policy(`package t\np := ${i} * 2`), { entrypoint: 'data.t.p' }).then((r) => {
        quick.push(performance.now());
        return r.result;
      }),
    );
    expect(await Promise.all(many)).toEqual([0, 2, 4, 6, 8, 10]);
    const slowEnded = await slow;
    expect(typeof slowEnded).toBe('number'); // stopped by its budget
    expect(sandbox.stats.started).toBeGreaterThanOrEqual(2);
    expect(Math.max(...quick)).toBeLessThan(slowEnded as number);
  }, 60_000);

  it('refuses what cannot cross into a worker, and evaluations after close', async () => {
    const custom = compilePolicy({
      modules: [{ path: 'p.rego', source: 'package t\np := 1' }],
      builtins: new Map([['f', { name: 'f', arity: 1, impl: () => 1 }]]),
    });
    await expect(sandbox.evaluate(custom, { entrypoint: 'data.t.p' })).rejects.toThrow(/custom builtins cannot run in the sandbox/);
    await expect(sandbox.evaluate(policy('package t\np := 1'), { entrypoint: 'data.t.p', input: { f: () => 1 } })).rejects.toThrow(
      /cannot be sent to the sandbox/,
    );
    const other = createPolicySandbox({ maxWorkers: 1 });
    const pending = other.evaluate(policy('package t\np := 1'), { entrypoint: 'data.t.p' }).catch((e: unknown) => e);
    await other.close();
    expect(await pending).toBeInstanceOf(PolicySandboxError);
    await expect(other.evaluate(policy('package t\np := 1'), { entrypoint: 'data.t.p' })).rejects.toThrow(/closed/);
  }, 30_000);

  it('reports a worker entry that cannot start, clearly', async () => {
    const broken = createPolicySandbox({ maxWorkers: 1, workerUrl: new URL('./testdata/no-such-worker.ts', import.meta.url) });
    try {
      const err = await broken.evaluate(policy('package t\np := 1'), { entrypoint: 'data.t.p' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PolicySandboxError);
      expect((err as Error).message).toMatch(/^the policy sandbox worker did not start \(file:.*no-such-worker\.ts\)/);
    } finally {
      await broken.close();
    }
  }, 30_000);

  it('finds its worker entry through GANTRY_POLICY_WORKER', () => {
    const saved = process.env.GANTRY_POLICY_WORKER;
    try {
      process.env.GANTRY_POLICY_WORKER = '/opt/gantry/policy-worker.js';
      expect(defaultWorkerUrl().href).toBe('file:///opt/gantry/policy-worker.js');
      delete process.env.GANTRY_POLICY_WORKER;
      expect(defaultWorkerUrl().href).toBe(new URL('./worker.ts', import.meta.url).href);
    } finally {
      if (saved === undefined) delete process.env.GANTRY_POLICY_WORKER;
      else process.env.GANTRY_POLICY_WORKER = saved;
    }
  });
});
