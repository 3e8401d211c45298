import type { BuiltinDef } from './types.ts';
import { coreBuiltins } from './core/index.ts';
import { extraBuiltins } from './extra/index.ts';

export * from './types.ts';

/** Every builtin the engine knows, by name. */
export const builtins: ReadonlyMap<string, BuiltinDef> = new Map(
  [...coreBuiltins, ...extraBuiltins].map((b) => [b.name, b]),
);
