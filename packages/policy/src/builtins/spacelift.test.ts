import { describe, expect, it } from 'vitest';
import { PolicyCompileError, PolicyEvalError, compilePolicy, evaluate } from '../index.ts';
import { sanitizeValue } from './spacelift.ts';

const value = (source: string, opts: { spaceliftHelpers?: boolean } = {}) =>
  evaluate(compilePolicy({ modules: [{ path: 'p.rego', source }], ...opts }), { entrypoint: 'data.t.p', strict: true }).result;

describe('sanitized (Spacelift helper)', () => {
  it("hashes like Spacelift's plan policy input (last 8 hex digits of SHA-256)", () => {
    // Values from Spacelift's resource sanitization documentation.
    expect(sanitizeValue('exampledb')).toBe('59832d41');
    expect(sanitizeValue('mysql')).toBe('eae35047');
    expect(sanitizeValue('db.t3.micro')).toBe('4f8189cd');
    expect(value('package t\np := sanitized("default.mysql5.7")')).toBe('bead1390');
    // UTF-8 bytes are hashed, as Go does.
    expect(value('package t\np := sanitized("héllo")')).toBe('d6068179');
  });

  it('rejects non-strings like a builtin with a string operand', () => {
    expect(() => value('package t\np := sanitized(input.x)')).not.toThrow(PolicyCompileError);
    let err: unknown;
    try {
      evaluate(compilePolicy({ modules: [{ path: 'p.rego', source: 'package t\np := sanitized(input.x)' }] }), {
        entrypoint: 'data.t.p',
        input: { x: 1 },
        strict: true,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PolicyEvalError);
    expect((err as PolicyEvalError).message).toBe('p.rego:2: eval_type_error: sanitized: operand 1 must be string but got number');
  });

  it('is absent from plain OPA Rego, and a policy may define its own', () => {
    expect(() => value('package t\np := sanitized("a")', { spaceliftHelpers: false })).toThrow(/undefined function sanitized/);
    expect(value('package t\nsanitized(x) := concat("", ["my-", x])\np := sanitized("a")')).toBe('my-a');
  });
});
