import type { BuiltinDef } from '../types.ts';

// Owned by the "core builtins" work: strings, regex, glob, numbers, aggregates, arrays, objects,
// sets, types, encoding, json.*, units, semver, uuid, net.cidr*, urlquery, templates …
export const coreBuiltins: BuiltinDef[] = [];
