// Test support: call a core builtin by name with Rego values.

import { equals, fromJSON, type Value } from '../../value.ts';
import type { BuiltinContext } from '../types.ts';
import { coreBuiltins } from './index.ts';

const byName = new Map(coreBuiltins.map((b) => [b.name, b]));

export function makeContext(): BuiltinContext {
  return { nowNs: 0n, strict: true, cache: new Map(), print: () => undefined };
}

/** Calls builtin `name`; plain JS arguments go through fromJSON. */
export function call(name: string, ...args: unknown[]): Value | undefined {
  const b = byName.get(name);
  if (!b) throw new Error(`no core builtin ${name}`);
  if (b.arity >= 0 && b.arity !== args.length) throw new Error(`${name} takes ${b.arity} arguments`);
  return b.impl(args.map(fromJSON), makeContext());
}

/** Asserts structural equality of Rego values, with readable output on failure. */
export function same(actual: Value | undefined, expected: unknown): boolean {
  if (actual === undefined) return expected === undefined;
  return equals(actual, fromJSON(expected));
}
