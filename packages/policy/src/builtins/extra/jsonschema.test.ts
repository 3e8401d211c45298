import { describe, expect, it } from 'vitest';
import { fromJSON, toJSONText } from '../../value.ts';
import { jsonSchemaBuiltins } from './jsonschema.ts';
import { caller } from './testing.ts';

const call = caller(jsonSchemaBuiltins);
// Documents go in as JSON text: OPA accepts only strings, objects and arrays as operands.
const match = (doc: unknown, schema: unknown) => JSON.parse(toJSONText(call('json.match_schema', JSON.stringify(doc), fromJSON(schema))!));
const descs = (doc: unknown, schema: unknown) => (match(doc, schema)[1] as { error: string }[]).map((e) => e.error);

describe('json.verify_schema', () => {
  it('accepts valid schemas given as objects or JSON text', () => {
    expect(call('json.verify_schema', fromJSON({ type: 'boolean' }))).toEqual([true, null]);
    expect(call('json.verify_schema', '{"type": "boolean"}')).toEqual([true, null]);
  });
  it('reports gojsonschema compile errors', () => {
    expect(call('json.verify_schema', '{"type": "unknown_type"}')).toEqual([
      false,
      'jsonschema: has a primitive type that is NOT VALID -- given: /unknown_type/ Expected valid values are:[array boolean integer number null object string]',
    ]);
    expect(call('json.verify_schema', '{')).toEqual([false, 'jsonschema: invalid JSON string']);
    expect(call('json.verify_schema', 5)).toEqual([false, 'jsonschema: wrong type, expected string or object']);
    expect(call('json.verify_schema', fromJSON({ minLength: -1 }))).toEqual([false, 'jsonschema: minLength must be greater than or equal to 0']);
  });
});

describe('json.match_schema', () => {
  const schema = {
    type: 'object',
    properties: {
      id: { type: 'integer', minimum: 1 },
      kind: { enum: ['a', 'b'] },
      tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
      ref: { $ref: '#/definitions/named' },
    },
    required: ['id'],
    additionalProperties: false,
    definitions: { named: { type: 'object', required: ['name'] } },
  };
  it('accepts matching documents (objects or JSON text)', () => {
    expect(match({ id: 5, kind: 'a', tags: ['x'], ref: { name: 'n' } }, schema)).toEqual([true, []]);
    expect(JSON.parse(toJSONText(call('json.match_schema', '{"id": 5}', fromJSON(schema))!))).toEqual([true, []]);
  });
  it('reports errors with OPA fields', () => {
    expect(match({ id: 'foo' }, schema)[1]).toEqual([
      { desc: 'Invalid type. Expected: integer, given: string', error: 'id: Invalid type. Expected: integer, given: string', field: 'id', type: 'invalid_type' },
    ]);
    expect(descs({}, schema)).toEqual(['(root): id is required']);
    expect(descs({ id: 0, kind: 'c', tags: ['x', 'x', 1], ref: {}, extra: 1 }, schema).sort()).toEqual(
      [
        '(root): Additional property extra is not allowed',
        'id: Must be greater than or equal to 1',
        'kind: kind must be one of the following: "a", "b"',
        'ref: name is required',
        'tags.2: Invalid type. Expected: string, given: integer',
        'tags: array items[0,1] must be unique',
      ].sort(),
    );
  });
  it('supports combinators, formats and draft-specific keywords', () => {
    expect(descs(1.5, { anyOf: [{ type: 'string' }, { type: 'integer' }] })).toContain('(root): Must validate at least one schema (anyOf)');
    expect(descs('x', { not: { type: 'string' } })).toEqual(['(root): Must not validate the schema (not)']);
    expect(descs('nope', { format: 'ipv4' })).toEqual(["(root): Does not match format 'ipv4'"]);
    expect(descs(5, { $schema: 'http://json-schema.org/draft-07/schema#', exclusiveMaximum: 5 })).toEqual(['(root): Must be less than 5']);
    expect(descs(5, { $schema: 'http://json-schema.org/draft-04/schema#', maximum: 5, exclusiveMaximum: true })).toEqual(['(root): Must be less than 5']);
    expect(descs({ a: 1 }, { if: { required: ['a'] }, then: { required: ['b'] } })).toEqual([
      '(root): Must validate "then" as "if" was valid',
      '(root): b is required',
    ]);
    expect(descs([1, { n: [1] }], { $ref: '#/definitions/t', definitions: { t: { anyOf: [{ type: 'integer' }, { type: 'array', items: { $ref: '#/definitions/t' } }, { type: 'object', additionalProperties: { $ref: '#/definitions/t' } }] } } })).toEqual([]);
  });
  it('raises errors for invalid schemas or documents', () => {
    expect(() => call('json.match_schema', 5, fromJSON({}))).toThrow('wrong type, expected string or object');
    expect(() => call('json.match_schema', '{', fromJSON({}))).toThrow('json.match_schema: invalid JSON string');
    expect(() => call('json.match_schema', fromJSON({}), fromJSON({ type: 'unknown' }))).toThrow('has a primitive type that is NOT VALID');
  });
});
