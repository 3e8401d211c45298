import type { BuiltinDef } from '../types.ts';
import { RObject, type Value } from '../../value.ts';
import { builtinError, stringArg, typeError } from './args.ts';
import { GraphQLError, type GQueryDocument, type GSchemaDocument } from './graphql/ast.ts';
import { ASTShapeError, queryFromValue, queryToValue, schemaFromValue, schemaToValue } from './graphql/convert.ts';
import { parseQuery, parseSchema } from './graphql/parser.ts';
import { loadSchema } from './graphql/schema.ts';
import { validateQuery } from './graphql/validate.ts';

// OPA's graphql.* builtins (topdown/graphql.go): parse queries and schemas into gqlparser-shaped
// ASTs, load and validate schemas, and validate queries against them. Documents may be given as
// GraphQL text or as the AST objects these builtins return.

class InputTypeError extends Error {}

function queryDoc(v: Value, pos: number, name: string): GQueryDocument {
  if (typeof v === 'string') return parseQuery(v);
  if (v instanceof RObject) return queryFromValue(v);
  throw name ? typeError(name, pos, v, 'one of {string, object}') : new InputTypeError();
}

function schemaDoc(v: Value, pos: number, name: string): GSchemaDocument {
  if (typeof v === 'string') return parseSchema(v);
  if (v instanceof RObject) return schemaFromValue(v);
  throw name ? typeError(name, pos, v, 'one of {string, object}') : new InputTypeError();
}

/** Parse both documents and validate; returns the ASTs or throws the first problem. */
function parseAndValidate(name: string, args: Value[]): { query: GQueryDocument; schema: GSchemaDocument } {
  const query = queryDoc(args[0]!, 0, name);
  const schema = schemaDoc(args[1]!, 1, name);
  const loaded = loadSchema(schema);
  const errors = validateQuery(loaded, query);
  if (errors.length > 0) throw errors[0]!;
  return { query, schema };
}

/** Runs `fn`, reporting GraphQL and AST-shape problems as builtin errors of `name`. */
function reported<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GraphQLError) throw builtinError(name, e.opaMessage());
    if (e instanceof ASTShapeError) throw builtinError(name, e.message);
    throw e;
  }
}

/** Runs `fn`, turning any GraphQL, shape or input-type problem into `fallback`. */
function orElse<T>(fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GraphQLError || e instanceof ASTShapeError || e instanceof InputTypeError) return fallback;
    throw e;
  }
}

export const graphqlBuiltins: BuiltinDef[] = [
  {
    name: 'graphql.parse_query',
    arity: 1,
    impl: (args) => {
      const text = stringArg('graphql.parse_query', args, 0);
      return reported('graphql.parse_query', () => queryToValue(parseQuery(text)));
    },
  },
  {
    name: 'graphql.parse_schema',
    arity: 1,
    impl: (args) => {
      const text = stringArg('graphql.parse_schema', args, 0);
      return reported('graphql.parse_schema', () => schemaToValue(parseSchema(text)));
    },
  },
  {
    name: 'graphql.parse',
    arity: 2,
    impl: (args) =>
      reported('graphql.parse', () => {
        const { query, schema } = parseAndValidate('graphql.parse', args);
        return [queryToValue(query), schemaToValue(schema)];
      }),
  },
  {
    name: 'graphql.parse_and_verify',
    arity: 2,
    impl: (args) =>
      orElse<Value>([false, new RObject(), new RObject()], () => {
        const { query, schema } = parseAndValidate('', args);
        return [true, queryToValue(query), schemaToValue(schema)];
      }),
  },
  {
    name: 'graphql.is_valid',
    arity: 2,
    impl: (args) =>
      orElse(false, () => {
        parseAndValidate('', args);
        return true;
      }),
  },
  {
    name: 'graphql.schema_is_valid',
    arity: 1,
    impl: (args) =>
      orElse(false, () => {
        loadSchema(schemaDoc(args[0]!, 1, ''));
        return true;
      }),
  },
];
