import type { BuiltinDef } from './types.ts';
import { coreBuiltins } from './core/index.ts';
import { extraBuiltins } from './extra/index.ts';
import { languageBuiltins } from './language/index.ts';

export * from './types.ts';

/** Every builtin the engine knows, by name. Language builtins win over same-named entries. */
export const builtins: ReadonlyMap<string, BuiltinDef> = new Map(
  [...coreBuiltins, ...extraBuiltins, ...languageBuiltins].map((b) => [b.name, b]),
);
