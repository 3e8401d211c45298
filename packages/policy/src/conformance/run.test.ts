import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConformanceCase } from './cases.ts';
import { runCase } from './run.ts';

const base: ConformanceCase = {
  file: 'v1/x/test.yaml',
  index: 0,
  version: 'v1',
  folder: 'x',
  note: 'x',
  query: 'data.test.p = x',
  modules: ['package test\n\np contains y if some y in input.ys'],
  input: { ys: [2, 1] },
  strictError: false,
  sortBindings: false,
  experimentalKeywords: false,
};

describe('conformance case runner', () => {
  it('compares results as a set of bindings after a JSON round trip', () => {
    expect(runCase({ ...base, wantResult: [{ x: [1, 2] }] })).toEqual({ status: 'pass' });
    const fail = runCase({ ...base, wantResult: [{ x: [2] }] });
    expect(fail.status).toBe('fail');
  });

  it('sorts array bindings when asked', () => {
    const c = { ...base, modules: ['package test\n\np := [y | some y in input.ys]'] };
    expect(runCase({ ...c, wantResult: [{ x: [1, 2] }] }).status).toBe('fail');
    expect(runCase({ ...c, wantResult: [{ x: [1, 2] }], sortBindings: true }).status).toBe('pass');
  });

  it('matches errors by code and message substring', () => {
    const c = { ...base, modules: ['package test\n\np := 1 / input.d'], input: { d: 0 }, strictError: true };
    expect(runCase({ ...c, wantErrorCode: 'eval_builtin_error', wantError: 'divide by zero' }).status).toBe('pass');
    expect(runCase({ ...c, wantErrorCode: 'eval_type_error' }).status).toBe('fail');
  });

  it('supports input_term with Rego values', () => {
    const c = { ...base, modules: ['package test\n\np := count(input)'], input: undefined, inputTerm: '{1, 2, 3}' };
    expect(runCase({ ...c, wantResult: [{ x: 3 }] }).status).toBe('pass');
  });

  it('skips cases that need OPA’s Go harness', () => {
    expect(runCase({ ...base, file: 'v1/time/test-time-0947.yaml' }).status).toBe('skip');
  });

  it('exits 0 with a clear message when the data is missing', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const r = spawnSync(process.execPath, ['--import', 'tsx', resolve(here, 'cli.ts')], {
      env: { ...process.env, GANTRY_CONFORMANCE_DIR: '/nonexistent/conformance' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('conformance data not found at /nonexistent/conformance');
  });
});
