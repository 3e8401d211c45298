import { type Type, parseType } from './types.ts';

// Declared types of OPA's builtins (operands and result), for the compile-time type checker.
// They restate OPA's declarations (ast/builtins.go) in OPA's type notation; a test compares
// every entry with OPA's capabilities.json, so the checker accepts exactly what OPA's accepts.
// Builtins without an entry are not checked (their results have type `any`).

export interface Signature {
  readonly args: readonly Type[];
  readonly result?: Type;
}

const TIME = 'any<number, array<number, string>>';
const COLL = 'any<array[any], set[any]>';
const GRAPH = 'object[any: any<array[any], set[any]>]';
const JSON_PATHS = 'any<array[any<string, array[any]>], set[any<string, array[any]>]>';
const DOC = 'any<string, object[any: any]>';
const KEYS = 'any<array[any], object[any: any], set[any]>';
const AFFIX = 'any<string, array[string], set[string]>';
const CIDRS = 'any<string, array[any<string, array[any]>], object[string: any<string, array[any]>], set[any<string, array[any]>]>';
const OBJ = 'object[any: any]';
const SOBJ = 'object[string: any]';

// [name, operand types, result type]
const DECLS: [string, string[], string][] = [
  // numbers
  ['abs', ['number'], 'number'],
  ['ceil', ['number'], 'number'],
  ['floor', ['number'], 'number'],
  ['round', ['number'], 'number'],
  ['plus', ['number', 'number'], 'number'],
  ['mul', ['number', 'number'], 'number'],
  ['div', ['number', 'number'], 'number'],
  ['rem', ['number', 'number'], 'number'],
  ['minus', ['any<number, set[any]>', 'any<number, set[any]>'], 'any<number, set[any]>'],
  ['numbers.range', ['number', 'number'], 'array[number]'],
  ['numbers.range_step', ['number', 'number', 'number'], 'array[number]'],
  ['rand.intn', ['string', 'number'], 'number'],
  ['format_int', ['number', 'number'], 'string'],
  ['bits.and', ['number', 'number'], 'number'],
  ['bits.or', ['number', 'number'], 'number'],
  ['bits.xor', ['number', 'number'], 'number'],
  ['bits.lsh', ['number', 'number'], 'number'],
  ['bits.rsh', ['number', 'number'], 'number'],
  ['bits.negate', ['number'], 'number'],
  // comparison
  ['equal', ['any', 'any'], 'boolean'],
  ['neq', ['any', 'any'], 'boolean'],
  ['lt', ['any', 'any'], 'boolean'],
  ['lte', ['any', 'any'], 'boolean'],
  ['gt', ['any', 'any'], 'boolean'],
  ['gte', ['any', 'any'], 'boolean'],
  // sets
  ['and', ['set[any]', 'set[any]'], 'set[any]'],
  ['set_diff', ['set[any]', 'set[any]'], 'set[any]'],
  ['or', ['set[any]', 'set[any]'], 'set[any]'],
  ['intersection', ['set[set[any]]'], 'set[any]'],
  ['union', ['set[set[any]]'], 'set[any]'],
  // aggregates
  ['count', ['any<string, array[any], object[any: any], set[any]>'], 'number'],
  ['sum', ['any<array[number], set[number]>'], 'number'],
  ['product', ['any<array[number], set[number]>'], 'number'],
  ['max', [COLL], 'any'],
  ['min', [COLL], 'any'],
  ['sort', [COLL], 'array[any]'],
  ['all', [COLL], 'boolean'],
  ['any', [COLL], 'boolean'],
  // arrays
  ['array.concat', ['array[any]', 'array[any]'], 'array[any]'],
  ['array.flatten', ['array[any]'], 'array[any]'],
  ['array.reverse', ['array[any]'], 'array[any]'],
  ['array.slice', ['array[any]', 'number', 'number'], 'array[any]'],
  // objects
  ['object.get', [OBJ, 'any', 'any'], 'any'],
  ['object.keys', [OBJ], 'set[any]'],
  ['object.remove', [OBJ, KEYS], OBJ],
  ['object.filter', [OBJ, KEYS], OBJ],
  ['object.union', [OBJ, OBJ], OBJ],
  ['object.union_n', ['array[object[any: any]]'], OBJ],
  ['object.subset', [KEYS, KEYS], 'boolean'],
  // strings
  ['concat', ['string', 'any<array[string], set[string]>'], 'string'],
  ['contains', ['string', 'string'], 'boolean'],
  ['startswith', ['string', 'string'], 'boolean'],
  ['endswith', ['string', 'string'], 'boolean'],
  ['indexof', ['string', 'string'], 'number'],
  ['indexof_n', ['string', 'string'], 'array[number]'],
  ['lower', ['string'], 'string'],
  ['upper', ['string'], 'string'],
  ['replace', ['string', 'string', 'string'], 'string'],
  ['split', ['string', 'string'], 'array[string]'],
  ['sprintf', ['string', 'array[any]'], 'string'],
  ['substring', ['string', 'number', 'number'], 'string'],
  ['trim', ['string', 'string'], 'string'],
  ['trim_left', ['string', 'string'], 'string'],
  ['trim_right', ['string', 'string'], 'string'],
  ['trim_prefix', ['string', 'string'], 'string'],
  ['trim_suffix', ['string', 'string'], 'string'],
  ['trim_space', ['string'], 'string'],
  ['strings.reverse', ['string'], 'string'],
  ['strings.count', ['string', 'string'], 'number'],
  ['strings.replace_n', ['object[string: string]', 'string'], 'string'],
  ['strings.render_template', ['string', SOBJ], 'string'],
  ['strings.any_prefix_match', [AFFIX, AFFIX], 'boolean'],
  ['strings.any_suffix_match', [AFFIX, AFFIX], 'boolean'],
  // regex and glob
  ['re_match', ['string', 'string'], 'boolean'],
  ['regex.match', ['string', 'string'], 'boolean'],
  ['regex.is_valid', ['string'], 'boolean'],
  ['regex.split', ['string', 'string'], 'array[string]'],
  ['regex.find_n', ['string', 'string', 'number'], 'array[string]'],
  ['regex.find_all_string_submatch_n', ['string', 'string', 'number'], 'array[array[string]]'],
  ['regex.replace', ['string', 'string', 'string'], 'string'],
  ['regex.template_match', ['string', 'string', 'string', 'string'], 'boolean'],
  ['regex.globs_match', ['string', 'string'], 'boolean'],
  ['glob.match', ['string', 'any<null, array[string]>', 'string'], 'boolean'],
  ['glob.quote_meta', ['string'], 'string'],
  // types and casts
  ['to_number', ['any<null, boolean, number, string>'], 'number'],
  ['type_name', ['any'], 'string'],
  ['is_number', ['any'], 'boolean'],
  ['is_string', ['any'], 'boolean'],
  ['is_boolean', ['any'], 'boolean'],
  ['is_array', ['any'], 'boolean'],
  ['is_set', ['any'], 'boolean'],
  ['is_object', ['any'], 'boolean'],
  ['is_null', ['any'], 'boolean'],
  ['cast_array', ['any'], 'array[any]'],
  ['cast_set', ['any'], 'set[any]'],
  ['cast_string', ['any'], 'string'],
  ['cast_boolean', ['any'], 'boolean'],
  ['cast_null', ['any'], 'null'],
  ['cast_object', ['any'], 'object[any: any]'],
  // encodings
  ['base64.encode', ['string'], 'string'],
  ['base64.decode', ['string'], 'string'],
  ['base64.is_valid', ['string'], 'boolean'],
  ['base64url.encode', ['string'], 'string'],
  ['base64url.encode_no_pad', ['string'], 'string'],
  ['base64url.decode', ['string'], 'string'],
  ['hex.encode', ['string'], 'string'],
  ['hex.decode', ['string'], 'string'],
  ['urlquery.encode', ['string'], 'string'],
  ['urlquery.decode', ['string'], 'string'],
  ['urlquery.encode_object', ['object[string: any<string, array[string], set[string]>]'], 'string'],
  ['urlquery.decode_object', ['string'], 'object[string: array[string]]'],
  ['json.marshal', ['any'], 'string'],
  ['json.unmarshal', ['string'], 'any'],
  ['json.is_valid', ['string'], 'boolean'],
  ['json.filter', [OBJ, JSON_PATHS], OBJ],
  ['json.remove', [OBJ, JSON_PATHS], OBJ],
  ['json.patch', ['any', 'array[object<op: string, path: any>[any: any]]'], 'any'],
  ['json.verify_schema', [DOC], 'array<boolean, any<null, string>>'],
  ['json.match_schema', [DOC, DOC], 'array<boolean, array[object<desc: string, error: string, field: string, type: string>]>'],
  ['json.marshal_with_options', ['any', 'object<indent: string, prefix: string, pretty: boolean>[string: any]'], 'string'],
  ['yaml.marshal', ['any'], 'string'],
  ['yaml.unmarshal', ['string'], 'any'],
  ['yaml.is_valid', ['string'], 'boolean'],
  // time
  ['time.now_ns', [], 'number'],
  ['time.parse_ns', ['string', 'string'], 'number'],
  ['time.parse_rfc3339_ns', ['string'], 'number'],
  ['time.parse_duration_ns', ['string'], 'number'],
  ['time.date', [TIME], 'array<number, number, number>'],
  ['time.clock', [TIME], 'array<number, number, number>'],
  ['time.weekday', [TIME], 'string'],
  ['time.add_date', ['number', 'number', 'number', 'number'], 'number'],
  ['time.diff', [TIME, TIME], 'array<number, number, number, number, number, number>'],
  ['time.format', ['any<number, array<number, string>, array<number, string, string>>'], 'string'],
  // units, uuid, semver, net, graph
  ['units.parse', ['string'], 'number'],
  ['units.parse_bytes', ['string'], 'number'],
  ['uuid.rfc4122', ['string'], 'string'],
  ['uuid.parse', ['string'], SOBJ],
  ['semver.compare', ['string', 'string'], 'number'],
  ['semver.is_valid', ['any'], 'boolean'],
  ['net.cidr_contains', ['string', 'string'], 'boolean'],
  ['net.cidr_overlap', ['string', 'string'], 'boolean'],
  ['net.lookup_ip_addr', ['string'], 'set[string]'],
  ['net.cidr_intersects', ['string', 'string'], 'boolean'],
  ['net.cidr_expand', ['string'], 'set[string]'],
  ['net.cidr_is_valid', ['string'], 'boolean'],
  ['net.cidr_merge', ['any<array[any<string>], set[string]>'], 'set[string]'],
  ['net.cidr_contains_matches', [CIDRS, CIDRS], 'set[array<any, any>]'],
  ['graph.reachable', [GRAPH, COLL], 'set[any]'],
  ['graph.reachable_paths', [GRAPH, COLL], 'set[array[any]]'],
  // crypto and tokens
  ['crypto.md5', ['string'], 'string'],
  ['crypto.sha1', ['string'], 'string'],
  ['crypto.sha256', ['string'], 'string'],
  ['crypto.hmac.md5', ['string', 'string'], 'string'],
  ['crypto.hmac.sha1', ['string', 'string'], 'string'],
  ['crypto.hmac.sha256', ['string', 'string'], 'string'],
  ['crypto.hmac.sha512', ['string', 'string'], 'string'],
  ['crypto.hmac.equal', ['string', 'string'], 'boolean'],
  ['crypto.x509.parse_certificates', ['string'], `array[${SOBJ}]`],
  ['crypto.x509.parse_certificate_request', ['string'], SOBJ],
  ['crypto.x509.parse_rsa_private_key', ['string'], SOBJ],
  ['crypto.x509.parse_keypair', ['string', 'string'], SOBJ],
  ['crypto.x509.parse_and_verify_certificates', ['string'], `array<boolean, array[${SOBJ}]>`],
  ['crypto.x509.parse_and_verify_certificates_with_options', ['string', SOBJ], `array<boolean, array[${SOBJ}]>`],
  ['crypto.parse_private_keys', ['string'], `array[${SOBJ}]`],
  ['io.jwt.decode', ['string'], 'array<object[any: any], object[any: any], string>'],
  ['io.jwt.decode_verify', ['string', SOBJ], 'array<boolean, object[any: any], object[any: any]>'],
  ['io.jwt.encode_sign', [SOBJ, SOBJ, SOBJ], 'string'],
  ['io.jwt.encode_sign_raw', ['string', 'string', 'string'], 'string'],
  ...['eddsa', 'es256', 'es384', 'es512', 'hs256', 'hs384', 'hs512', 'ps256', 'ps384', 'ps512', 'rs256', 'rs384', 'rs512'].map(
    (alg): [string, string[], string] => [`io.jwt.verify_${alg}`, ['string', 'string'], 'boolean'],
  ),
  // language
  ['walk', ['any'], 'array<array[any], any>'],
  ['trace', ['string'], 'boolean'],
  ['http.send', [SOBJ], OBJ],
  ['opa.runtime', [], SOBJ],
  ['rego.parse_module', ['string', 'string'], SOBJ],
  ['rego.metadata.chain', [], 'array[any]'],
  ['rego.metadata.rule', [], 'any'],
  ['providers.aws.sign_req', [SOBJ, SOBJ, 'number'], OBJ],
  ['graphql.parse', [DOC, DOC], 'array<object[any: any], object[any: any]>'],
  ['graphql.parse_and_verify', [DOC, DOC], 'array<boolean, object[any: any], object[any: any]>'],
  ['graphql.parse_query', ['string'], OBJ],
  ['graphql.parse_schema', ['string'], OBJ],
  ['graphql.is_valid', [DOC, DOC], 'boolean'],
  ['graphql.schema_is_valid', [DOC], 'boolean'],
];

export const BUILTIN_TYPES: ReadonlyMap<string, Signature> = new Map(
  DECLS.map(([name, args, result]) => [name, { args: args.map(parseType), result: parseType(result) }]),
);

/** A signature written in the same notation (for builtins added with compilePolicy's `builtins`). */
export function signature(args: string[], result: string): Signature {
  return { args: args.map(parseType), result: parseType(result) };
}
