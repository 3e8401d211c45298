import type { BuiltinDef } from '../types.ts';
import { awsBuiltins } from './aws.ts';
import { cryptoBuiltins } from './crypto.ts';
import { graphqlBuiltins } from './graphql.ts';
import { jsonSchemaBuiltins } from './jsonschema.ts';
import { jwtBuiltins } from './jwt.ts';
import { timeBuiltins } from './time.ts';
import { yamlBuiltins } from './yaml.ts';

// Owned by the "extra builtins" work: time.*, crypto.*, io.jwt.*, x509, graphql.*, json.match_schema,
// yaml.*, providers.aws.*. One module per family.
export const extraBuiltins: BuiltinDef[] = [...timeBuiltins, ...cryptoBuiltins, ...jwtBuiltins, ...awsBuiltins, ...yamlBuiltins, ...jsonSchemaBuiltins, ...graphqlBuiltins];
