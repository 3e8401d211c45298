import { describe, expect, it } from 'vitest';
import { fromJSON, toJSONText, type Value } from '../../value.ts';
import { BuiltinError, BuiltinTypeError } from '../types.ts';
import { graphqlBuiltins } from './graphql.ts';
import { caller } from './testing.ts';

const call = caller(graphqlBuiltins);
const json = (v: Value | undefined) => JSON.parse(toJSONText(v!));

const SCHEMA = `
  type Query { hero(episode: Episode!): Character  search(text: String): [Character] }
  enum Episode { NEWHOPE EMPIRE }
  interface Character { id: ID! name: String }
  type Human implements Character { id: ID! name: String height: Float }
  type Droid implements Character { id: ID! name: String primaryFunction: String }
`;

describe('graphql.parse_query', () => {
  it('returns the gqlparser AST with OPA pruning', () => {
    expect(json(call('graphql.parse_query', '{hero {name}}'))).toEqual({
      Operations: [{ Name: '', Operation: 'query', SelectionSet: [{ Alias: 'hero', Name: 'hero', SelectionSet: [{ Alias: 'name', Name: 'name' }] }] }],
    });
    const ast = json(call('graphql.parse_query', 'query Q($ep: Episode! = EMPIRE) { hero(episode: $ep) { ... on Droid @skip(if: false) { id } ...f } } fragment f on Human { height }'));
    const op = ast.Operations[0];
    expect(op.VariableDefinitions).toEqual([
      { DefaultValue: { ExpectedTypeHasDefault: false, Kind: 7, Raw: 'EMPIRE' }, Type: { NamedType: 'Episode', NonNull: true }, Used: false, Variable: 'ep' },
    ]);
    expect(op.SelectionSet[0].Arguments).toEqual([{ Name: 'episode', Value: { ExpectedTypeHasDefault: false, Kind: 0, Raw: 'ep' } }]);
    expect(op.SelectionSet[0].SelectionSet[0]).toEqual({
      Directives: [{ Arguments: [{ Name: 'if', Value: { ExpectedTypeHasDefault: false, Kind: 5, Raw: 'false' } }], Location: '', Name: 'skip' }],
      SelectionSet: [{ Alias: 'id', Name: 'id' }],
      TypeCondition: 'Droid',
    });
    expect(op.SelectionSet[0].SelectionSet[1]).toEqual({ Name: 'f' });
    expect(ast.Fragments[0].TypeCondition).toBe('Human');
  });
  it('decodes strings, block strings, lists and objects', () => {
    const ast = json(call('graphql.parse_query', '{ f(a: "x\\ny", b: """\n    block \\""" here\n  """, c: [1, 2.5], d: {k: null}) }'));
    const args = ast.Operations[0].SelectionSet[0].Arguments.map((a: { Value: unknown }) => a.Value);
    expect(args[0]).toEqual({ ExpectedTypeHasDefault: false, Kind: 3, Raw: 'x\ny' });
    expect(args[1]).toEqual({ ExpectedTypeHasDefault: false, Kind: 4, Raw: 'block """ here' });
    expect(args[2].Kind).toBe(8);
    expect(args[2].Children.map((c: { Value: { Raw: string } }) => c.Value.Raw)).toEqual(['1', '2.5']);
    expect(args[3].Children).toEqual([{ Name: 'k', Value: { ExpectedTypeHasDefault: false, Kind: 6, Raw: 'null' } }]);
  });
  it('reports syntax errors like gqlparser, with OPA locations', () => {
    const err = (q: string) => () => call('graphql.parse_query', q);
    expect(err('{')).toThrow('graphql.parse_query: Expected Name, found <EOF> in GraphQL string at location 1:2');
    expect(err('notanoperation { f }')).toThrow('Unexpected Name "notanoperation" in GraphQL string at location 1:1');
    expect(err('fragment on on on { on }')).toThrow('Unexpected Name "on" in GraphQL string at location 1:10');
    expect(err('{ f }\nfragment x Type { f }')).toThrow('Expected "on", found Name "Type" in GraphQL string at location 2:12');
    expect(err('{ f(a: $v) }}')).toThrow('Unexpected } in GraphQL string at location 1:13');
    expect(err('{}')).toThrow('expected at least one definition, found } in GraphQL string at location 1:2');
    expect(err("{ f(a: 'x') }")).toThrow(BuiltinError);
    expect(() => call('graphql.parse_query', 1)).toThrow(BuiltinTypeError);
  });
});

describe('graphql.parse_schema / schema_is_valid', () => {
  it('returns schema ASTs', () => {
    expect(json(call('graphql.parse_schema', '"Desc" type Hello implements & A & B @x { world(flag: Boolean = true): [String!] }'))).toEqual({
      Definitions: [
        {
          BuiltIn: false,
          Description: 'Desc',
          Directives: [{ Location: '', Name: 'x' }],
          Fields: [
            {
              Arguments: [{ DefaultValue: { ExpectedTypeHasDefault: false, Kind: 5, Raw: 'true' }, Description: '', Name: 'flag', Type: { NamedType: 'Boolean', NonNull: false } }],
              Description: '',
              Name: 'world',
              Type: { Elem: { NamedType: 'String', NonNull: true }, NamedType: '', NonNull: false },
            },
          ],
          Interfaces: ['A', 'B'],
          Kind: 'OBJECT',
          Name: 'Hello',
        },
      ],
    });
    expect(json(call('graphql.parse_schema', 'schema { query: Q } extend schema @d directive @d repeatable on SCHEMA | FIELD'))).toEqual({
      Directives: [{ Description: '', IsRepeatable: true, Locations: ['SCHEMA', 'FIELD'], Name: 'd' }],
      Schema: [{ Description: '', OperationTypes: [{ Operation: 'query', Type: 'Q' }] }],
      SchemaExtension: [{ Description: '', Directives: [{ Location: '', Name: 'd' }] }],
    });
  });
  it('reports schema syntax errors', () => {
    expect(() => call('graphql.parse_schema', 'type Hello { }')).toThrow('expected at least one definition, found } in GraphQL string at location 1:14');
    expect(() => call('graphql.parse_schema', 'extend type Hello')).toThrow('Unexpected <EOF> in GraphQL string at location 1:18');
    expect(() => call('graphql.parse_schema', '\n  "Description"\n  extend type Hello { f: String }')).toThrow('Unexpected String "Description" in GraphQL string at location 2:4');
    expect(() => call('graphql.parse_schema', 'directive @foo on INCORRECT_LOCATION')).toThrow('Unexpected Name "INCORRECT_LOCATION"');
  });
  it('validates schemas as gqlparser does', () => {
    const valid = (s: Value) => call('graphql.schema_is_valid', s);
    expect(valid(SCHEMA)).toBe(true);
    expect(valid('extend type User { id: ID! } type Query { u: User }')).toBe(true);
    expect(valid('type Query { u: Missing }')).toBe(false);
    expect(valid('union U = Missing type Query { u: U }')).toBe(false);
    expect(valid('schema { query: Query }')).toBe(false);
    expect(valid('type Query { f: String } type Query { g: String }')).toBe(false);
    expect(valid('scalar S @deprecated')).toBe(false);
    expect(valid('input I { o: O } type O { f: String }')).toBe(false);
    expect(valid('interface A { id: ID! } type B implements A { name: String }')).toBe(false);
    expect(valid(fromJSON(json(call('graphql.parse_schema', SCHEMA))))).toBe(true);
    expect(valid(5)).toBe(false);
  });
});

describe('graphql.is_valid / parse / parse_and_verify', () => {
  it('accepts valid queries (text or AST objects)', () => {
    const q = 'query ($ep: Episode!) { hero(episode: $ep) { id ... on Human { height } __typename } }';
    expect(call('graphql.is_valid', q, SCHEMA)).toBe(true);
    expect(call('graphql.is_valid', call('graphql.parse_query', q)!, call('graphql.parse_schema', SCHEMA)!)).toBe(true);
    const [ok, query] = call('graphql.parse_and_verify', q, SCHEMA) as Value[];
    expect(ok).toBe(true);
    expect(json(query).Operations[0].Operation).toBe('query');
    expect((call('graphql.parse', q, SCHEMA) as Value[]).length).toBe(2);
  });
  it('rejects queries that break validation rules', () => {
    const invalid = (q: string) => expect(call('graphql.is_valid', q, SCHEMA)).toBe(false);
    invalid('{ hero { id } }'); // missing required argument
    invalid('{ hero(episode: EMPIRE) { nope } }'); // unknown field
    invalid('{ hero(episode: EMPIRE, x: 1) { id } }'); // unknown argument
    invalid('{ hero(episode: JEDI) { id } }'); // bad enum value
    invalid('{ hero(episode: EMPIRE) }'); // composite without selection
    invalid('{ search { id { x } } }'); // scalar with selection
    invalid('query ($v: String) { hero(episode: EMPIRE) { id } }'); // unused variable
    invalid('{ hero(episode: $e) { id } }'); // undefined variable
    invalid('query ($e: String!) { hero(episode: $e) { id } }'); // variable type mismatch
    invalid('{ hero(episode: EMPIRE) { ...f } } fragment f on Episode { x }'); // non-composite fragment
    invalid('{ search { ... on Query { search { id } } } }'); // impossible spread
    invalid('mutation { x }'); // no mutation root
    invalid('{ search @unknown { id } }');
    invalid('{ search { id: name id } }'); // overlapping response names
    invalid('{ a: search(text: "x") { id } a: search(text: "y") { id } }');
    expect(call('graphql.is_valid', '{ search { id ... on Character { id } } s: search { id } }', SCHEMA)).toBe(true);
    expect(call('graphql.parse_and_verify', '{ nope }', SCHEMA)).toEqual([false, expect.anything(), expect.anything()]);
  });
  it('reports the first validation error in graphql.parse', () => {
    expect(() => call('graphql.parse', '\n{\n  hero { id }\n}', SCHEMA)).toThrow(
      'graphql.parse: Field "hero" argument "episode" of type "Episode!" is required, but it was not provided in GraphQL string at location 3:3',
    );
    expect(() => call('graphql.parse', 5, SCHEMA)).toThrow('operand 0 must be one of {string, object} but got number');
  });
});
