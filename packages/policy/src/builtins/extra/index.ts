import type { BuiltinDef } from '../types.ts';

// Owned by the "extra builtins" work: time.*, crypto.*, io.jwt.*, x509, graphql.*, json.match_schema,
// yaml.*, providers.aws.*.
export const extraBuiltins: BuiltinDef[] = [];
