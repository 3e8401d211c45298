import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TYPES } from './builtin-types.ts';
import { A, B, N, NULL, S, type Type, anyOf, arrayOf, compareTypes, objectOf, parseType, setOf, typeString } from './types.ts';

const here = dirname(fileURLToPath(import.meta.url));
const capabilitiesPath = resolve(
  process.env.GANTRY_CONFORMANCE_DIR ?? resolve(here, '../../../../../shared/conformance'),
  'opa-testdata/capabilities.json',
);

interface JSONType {
  type: string;
  of?: JSONType | JSONType[];
  static?: (JSONType | { key: string; value: JSONType })[];
  dynamic?: JSONType | { key: JSONType; value: JSONType };
}

/** OPA's JSON encoding of a type (capabilities.json) → Type. */
function fromCapabilities(t: JSONType): Type {
  switch (t.type) {
    case 'null':
      return NULL;
    case 'boolean':
      return B;
    case 'number':
      return N;
    case 'string':
      return S;
    case 'any':
      return Array.isArray(t.of) ? anyOf(...t.of.map(fromCapabilities)) : A;
    case 'set':
      return setOf(t.of ? fromCapabilities(t.of as JSONType) : undefined);
    case 'array':
      return arrayOf(t.dynamic ? fromCapabilities(t.dynamic as JSONType) : undefined, ((t.static ?? []) as JSONType[]).map(fromCapabilities));
    case 'object': {
      const d = t.dynamic as { key: JSONType; value: JSONType } | undefined;
      return objectOf(
        ((t.static ?? []) as { key: string; value: JSONType }[]).map((p) => ({ key: p.key, value: fromCapabilities(p.value) })),
        d ? { key: fromCapabilities(d.key), value: fromCapabilities(d.value) } : undefined,
      );
    }
  }
  throw new Error(`unknown type ${t.type}`);
}

describe('builtin type declarations', () => {
  it('parse and print in OPA notation', () => {
    for (const s of ['any<string, array[any], object[any: any], set[any]>', 'array<boolean, array[object<desc: string, error: string>]>', 'object<op: string, path: any>[any: any]']) {
      expect(typeString(parseType(s))).toBe(s);
    }
    // Alternatives are ordered like OPA's (null < boolean < number < string < array < object < set).
    expect(typeString(parseType('any<set[any], string, number>'))).toBe('any<number, string, set[any]>');
  });

  it.skipIf(!existsSync(capabilitiesPath))("equal OPA's declarations (capabilities.json), nested types included", () => {
    const caps = JSON.parse(readFileSync(capabilitiesPath, 'utf8')) as {
      builtins: { name: string; decl: { args?: JSONType[]; result?: JSONType } }[];
    };
    const byName = new Map(caps.builtins.map((b) => [b.name, b]));
    const mismatches: string[] = [];
    for (const [name, sig] of BUILTIN_TYPES) {
      const b = byName.get(name);
      if (!b) {
        mismatches.push(`${name}: not an OPA builtin`);
        continue;
      }
      const args = (b.decl.args ?? []).map(fromCapabilities);
      const result = b.decl.result ? fromCapabilities(b.decl.result) : undefined;
      const same =
        args.length === sig.args.length && args.every((a, i) => compareTypes(a, sig.args[i]) === 0) && compareTypes(result, sig.result) === 0;
      if (!same) {
        mismatches.push(`${name}: ours (${sig.args.map(typeString).join(', ')}) => ${typeString(sig.result)}, OPA's (${args.map(typeString).join(', ')}) => ${typeString(result)}`);
      }
    }
    expect(mismatches).toEqual([]);
    // Most of OPA's builtins are declared (the rest are internal or variadic).
    expect(BUILTIN_TYPES.size).toBeGreaterThan(180);
  });
});
