import { describe, expect, it } from 'vitest';
import { compilePolicy, evaluate } from '../index.ts';

function run(source: string, query: string, input?: unknown, regoVersion: 'v0' | 'v1' = 'v1') {
  const p = compilePolicy({ modules: [{ path: 'test.rego', source }], regoVersion });
  return evaluate(p, { query, input }).bindings;
}

describe('evaluator basics', () => {
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
  });

  it('distinguishes undefined from false', () => {
    const src = `package t
      default allow := false
      allow if input.ok`;
    expect(run(src, 'x = data.t.allow', {})).toEqual([{ x: false }]);
    expect(run(src, 'x = data.t.allow', { ok: true })).toEqual([{ x: true }]);
    expect(run(src, 'x = data.t.nothing', {})).toEqual([]);
  });

  it('supports v0 syntax', () => {
    const src = `package t
      deny[msg] { input.x > 1; msg := "big" }`;
    expect(run(src, 'x = data.t.deny', { x: 2 }, 'v0')).toEqual([{ x: ['big'] }]);
  });
});
