import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { toJSONText, type Value } from '../../value.ts';

// Helpers for the unit tests of the extra builtins: call a builtin by name with Rego values.

export function testContext(nowNs = 1_700_000_000_000_000_000n): BuiltinContext {
  return { nowNs, strict: true, cache: new Map(), print: () => {} };
}

export function caller(defs: BuiltinDef[], ctx: BuiltinContext = testContext()) {
  const byName = new Map(defs.map((d) => [d.name, d]));
  return (name: string, ...args: Value[]): Value | undefined => {
    const def = byName.get(name);
    if (!def) throw new Error(`no builtin ${name}`);
    if (def.arity >= 0 && def.arity !== args.length) throw new Error(`${name} takes ${def.arity} arguments`);
    return def.impl(args, ctx);
  };
}

/** Canonical JSON text of a value: compare Rego values structurally, independent of internals. */
export function text(v: Value | undefined): string {
  return v === undefined ? 'undefined' : toJSONText(v);
}
