// Operand types of common builtins, for compile-time checks of literal arguments (OPA rejects
// `count(1)` or `"a" + 1` when compiling). Only the top-level type of each operand is checked;
// builtins not listed here are not checked. `result` is used to infer the type of variables
// assigned from a call.

export type BaseType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';
/** A union of base types; `any` when unconstrained. */
export type TypeSpec = BaseType[] | 'any';

export interface Signature {
  args: TypeSpec[];
  result?: TypeSpec;
}

const S: TypeSpec = ['string'];
const N: TypeSpec = ['number'];
const B: TypeSpec = ['boolean'];
const A: TypeSpec = ['array'];
const O: TypeSpec = ['object'];
const SET: TypeSpec = ['set'];
const ANY: TypeSpec = 'any';
const COLL: TypeSpec = ['array', 'set'];
const KEYS: TypeSpec = ['array', 'object', 'set'];
const TIME: TypeSpec = ['number', 'array'];

const sig = (args: TypeSpec[], result?: TypeSpec): Signature => ({ args, result });

export const BUILTIN_TYPES: ReadonlyMap<string, Signature> = new Map<string, Signature>([
  // arithmetic
  ['plus', sig([N, N], N)],
  ['minus', sig([['number', 'set'], ['number', 'set']], ['number', 'set'])],
  ['mul', sig([N, N], N)],
  ['div', sig([N, N], N)],
  ['rem', sig([N, N], N)],
  ['abs', sig([N], N)],
  ['ceil', sig([N], N)],
  ['floor', sig([N], N)],
  ['round', sig([N], N)],
  ['numbers.range', sig([N, N], A)],
  ['numbers.range_step', sig([N, N, N], A)],
  // sets
  ['and', sig([SET, SET], SET)],
  ['or', sig([SET, SET], SET)],
  ['intersection', sig([SET], SET)],
  ['union', sig([SET], SET)],
  // aggregates
  ['count', sig([['string', 'array', 'object', 'set']], N)],
  ['sum', sig([COLL], N)],
  ['product', sig([COLL], N)],
  ['max', sig([COLL], ANY)],
  ['min', sig([COLL], ANY)],
  ['sort', sig([COLL], A)],
  // arrays and objects
  ['array.concat', sig([A, A], A)],
  ['array.slice', sig([A, N, N], A)],
  ['array.reverse', sig([A], A)],
  ['object.get', sig([O, ANY, ANY], ANY)],
  ['object.keys', sig([O], SET)],
  ['object.remove', sig([O, KEYS], O)],
  ['object.filter', sig([O, KEYS], O)],
  ['object.union', sig([O, O], O)],
  ['object.union_n', sig([A], O)],
  ['object.subset', sig([['object', 'array', 'set'], ['object', 'array', 'set']], B)],
  // strings
  ['concat', sig([S, COLL], S)],
  ['contains', sig([S, S], B)],
  ['startswith', sig([S, S], B)],
  ['endswith', sig([S, S], B)],
  ['format_int', sig([N, N], S)],
  ['indexof', sig([S, S], N)],
  ['indexof_n', sig([S, S], A)],
  ['lower', sig([S], S)],
  ['upper', sig([S], S)],
  ['replace', sig([S, S, S], S)],
  ['split', sig([S, S], A)],
  ['sprintf', sig([S, A], S)],
  ['substring', sig([S, N, N], S)],
  ['trim', sig([S, S], S)],
  ['trim_left', sig([S, S], S)],
  ['trim_right', sig([S, S], S)],
  ['trim_prefix', sig([S, S], S)],
  ['trim_suffix', sig([S, S], S)],
  ['trim_space', sig([S], S)],
  ['strings.reverse', sig([S], S)],
  ['strings.count', sig([S, S], N)],
  ['strings.replace_n', sig([O, S], S)],
  ['strings.render_template', sig([S, O], S)],
  // regex and glob
  ['regex.match', sig([S, S], B)],
  ['regex.is_valid', sig([ANY], B)],
  ['regex.split', sig([S, S], A)],
  ['regex.find_n', sig([S, S, N], A)],
  ['regex.replace', sig([S, S, S], S)],
  ['regex.find_all_string_submatch_n', sig([S, S, N], A)],
  ['regex.template_match', sig([S, S, S, S], B)],
  ['regex.globs_match', sig([S, S], B)],
  ['glob.match', sig([S, ['array', 'null'], S], B)],
  ['glob.quote_meta', sig([S], S)],
  // types and casts
  ['to_number', sig([['null', 'boolean', 'number', 'string']], N)],
  ['type_name', sig([ANY], S)],
  ['is_number', sig([ANY], B)],
  ['is_string', sig([ANY], B)],
  ['is_boolean', sig([ANY], B)],
  ['is_array', sig([ANY], B)],
  ['is_set', sig([ANY], B)],
  ['is_object', sig([ANY], B)],
  ['is_null', sig([ANY], B)],
  // encoding
  ['base64.encode', sig([S], S)],
  ['base64.decode', sig([S], S)],
  ['base64.is_valid', sig([S], B)],
  ['base64url.encode', sig([S], S)],
  ['base64url.encode_no_pad', sig([S], S)],
  ['base64url.decode', sig([S], S)],
  ['hex.encode', sig([S], S)],
  ['hex.decode', sig([S], S)],
  ['urlquery.encode', sig([S], S)],
  ['urlquery.decode', sig([S], S)],
  ['urlquery.encode_object', sig([O], S)],
  ['urlquery.decode_object', sig([S], O)],
  ['json.marshal', sig([ANY], S)],
  ['json.unmarshal', sig([S], ANY)],
  ['json.is_valid', sig([S], B)],
  ['json.filter', sig([O, COLL], ANY)],
  ['json.remove', sig([O, COLL], ANY)],
  ['json.patch', sig([ANY, A], ANY)],
  ['yaml.marshal', sig([ANY], S)],
  ['yaml.unmarshal', sig([S], ANY)],
  ['yaml.is_valid', sig([S], B)],
  // time
  ['time.now_ns', sig([], N)],
  ['time.parse_ns', sig([S, S], N)],
  ['time.parse_rfc3339_ns', sig([S], N)],
  ['time.parse_duration_ns', sig([S], N)],
  ['time.date', sig([TIME], A)],
  ['time.clock', sig([TIME], A)],
  ['time.weekday', sig([TIME], S)],
  ['time.add_date', sig([N, N, N, N], N)],
  ['time.diff', sig([TIME, TIME], A)],
  ['time.format', sig([TIME], S)],
  // units, uuid, semver, net
  ['units.parse', sig([S], N)],
  ['units.parse_bytes', sig([S], N)],
  ['uuid.rfc4122', sig([S], S)],
  ['uuid.parse', sig([S], O)],
  ['semver.compare', sig([S, S], N)],
  ['semver.is_valid', sig([ANY], B)],
  ['net.cidr_contains', sig([S, S], B)],
  ['net.cidr_intersects', sig([S, S], B)],
  ['net.cidr_expand', sig([S], SET)],
  ['net.cidr_is_valid', sig([S], B)],
  // crypto
  ['crypto.md5', sig([S], S)],
  ['crypto.sha1', sig([S], S)],
  ['crypto.sha256', sig([S], S)],
  ['crypto.hmac.md5', sig([S, S], S)],
  ['crypto.hmac.sha1', sig([S, S], S)],
  ['crypto.hmac.sha256', sig([S, S], S)],
  ['crypto.hmac.sha512', sig([S, S], S)],
  ['crypto.hmac.equal', sig([S, S], B)],
  ['io.jwt.decode', sig([S], A)],
  // misc
  ['trace', sig([S], B)],
  ['walk', sig([ANY], A)],
]);
