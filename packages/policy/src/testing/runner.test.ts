import { describe, expect, it } from 'vitest';
import { formatTestReport, runPolicyTests } from './runner.ts';

const policy = {
  path: 'policies/plan.rego',
  source: `package spacelift

deny contains msg if {
  some r in input.resources
  r.action == "delete"
  msg := sprintf("no delete of %s", [r.name])
}
`,
};

const tests = {
  path: 'policies/plan_test.rego',
  source: `package spacelift_test

import data.spacelift

test_deny_delete if {
  spacelift.deny == {"no delete of a"} with input as {"resources": [{"name": "a", "action": "delete"}]}
}

test_wrong if {
  print("deny is", spacelift.deny) with input as {"resources": []}
  count(spacelift.deny) == 1 with input as {"resources": []}
}

test_error if {
  x := 1 / 0
  x == 1
}

todo_later if false
`,
};

describe('runPolicyTests', () => {
  it('reports pass, fail, error and skip per test with file and line', () => {
    const report = runPolicyTests([policy, tests], { strict: true });
    expect(report.compileError).toBeUndefined();
    const byName = Object.fromEntries(report.results.map((r) => [r.name, r]));
    expect(byName['data.spacelift_test.test_deny_delete']).toMatchObject({ status: 'pass', file: 'policies/plan_test.rego', line: 5 });
    expect(byName['data.spacelift_test.test_wrong']).toMatchObject({ status: 'fail', line: 9, message: 'the test is undefined' });
    expect(byName['data.spacelift_test.test_wrong']!.output).toEqual(['deny is set()']);
    expect(byName['data.spacelift_test.test_error']).toMatchObject({ status: 'error' });
    expect(byName['data.spacelift_test.test_error']!.message).toContain('divide by zero');
    expect(byName['data.spacelift_test.todo_later']).toMatchObject({ status: 'skip' });
    expect([report.passed, report.failed, report.errored, report.skipped]).toEqual([1, 1, 1, 1]);
  });

  it('formats like opa test -v', () => {
    const text = formatTestReport(runPolicyTests([policy, tests], { strict: true }), true);
    expect(text).toContain('data.spacelift_test.test_deny_delete: PASS');
    expect(text).toContain('data.spacelift_test.test_wrong: FAIL');
    expect(text).toContain('policies/plan_test.rego:9: the test is undefined');
    expect(text).toMatch(/PASS: 1\/4\nFAIL: 1\/4\nERROR: 1\/4\nSKIPPED: 1\/4$/);
  });

  it('filters tests by name', () => {
    const report = runPolicyTests([policy, tests], { filter: /deny_delete/ });
    expect(report.results.map((r) => r.name)).toEqual(['data.spacelift_test.test_deny_delete']);
  });

  it('returns the compile error instead of running', () => {
    const report = runPolicyTests([{ path: 'bad.rego', source: 'package x\np if { y }' }]);
    expect(report.compileError?.message).toBe('bad.rego:2:8: rego_unsafe_var_error: var y is unsafe');
    expect(report.results).toEqual([]);
  });
});
