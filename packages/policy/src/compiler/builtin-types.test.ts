import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PolicyCompileError, compilePolicy } from '../index.ts';
import { BUILTIN_TYPES } from './builtin-types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const capabilitiesPath = resolve(
  process.env.GANTRY_CONFORMANCE_DIR ?? resolve(here, '../../../../../shared/conformance'),
  'opa-testdata/capabilities.json',
);

function typeError(source: string): string {
  try {
    compilePolicy({ modules: [{ path: 'x.rego', source }] });
  } catch (e) {
    if (e instanceof PolicyCompileError) return e.message;
    throw e;
  }
  throw new Error('expected a compile error');
}

describe('builtin operand type checks', () => {
  it('rejects literal operands of the wrong type', () => {
    expect(typeError('package t\np if count(1) > 0')).toBe(
      'x.rego:2:6: rego_type_error: count: invalid argument(s)\n\thave: (number)\n\twant: (any<array, object, set, string>)',
    );
    expect(typeError('package t\np := "a" + 1')).toContain('plus: invalid argument(s)\n\thave: (string, number)');
    expect(typeError('package t\np if {\n  x := {"a": 1}\n  startswith(x, "a")\n}')).toBe(
      'x.rego:4:3: rego_type_error: startswith: invalid argument(s)\n\thave: (object, string)\n\twant: (string, string)',
    );
    expect(typeError('package t\np if {\n  n := count(input)\n  lower(n)\n}')).toContain('lower: invalid argument(s)\n\thave: (number)');
  });

  it('accepts operands whose type is only known at run time', () => {
    const p = compilePolicy({ modules: [{ path: 'x.rego', source: 'package t\np if count(input.x) > 0\nq := lower(input.name)' }] });
    expect(p.rulePaths).toEqual(['data.t.p', 'data.t.q']);
  });

  it.skipIf(!existsSync(capabilitiesPath))('never rejects an operand type that OPA accepts (capabilities.json)', () => {
    const caps = JSON.parse(readFileSync(capabilitiesPath, 'utf8')) as {
      builtins: { name: string; decl: { args?: unknown[] } }[];
    };
    const topTypes = (t: unknown): string[] | 'any' => {
      const x = t as { type: string; of?: unknown };
      if (x.type === 'any') {
        if (!Array.isArray(x.of)) return 'any';
        const out = new Set<string>();
        for (const o of x.of) {
          const r = topTypes(o);
          if (r === 'any') return 'any';
          r.forEach((y) => out.add(y));
        }
        return [...out];
      }
      return [x.type];
    };
    const byName = new Map(caps.builtins.map((b) => [b.name, b]));
    for (const [name, sig] of BUILTIN_TYPES) {
      const b = byName.get(name);
      expect(b, `${name} exists in OPA`).toBeDefined();
      const args = b!.decl.args ?? [];
      expect(sig.args.length, `${name} arity`).toBe(args.length);
      args.forEach((a, i) => {
        const opa = topTypes(a);
        const ours = sig.args[i]!;
        if (ours === 'any') return;
        expect(opa, `${name} operand ${i + 1} is constrained in OPA`).not.toBe('any');
        for (const t of opa as string[]) expect(ours, `${name} operand ${i + 1} accepts ${t}`).toContain(t);
      });
    }
  });
});
