import { RObject, RSet, type Value, compare, equals } from '../../value.ts';
import { BuiltinError, BuiltinHaltError, BuiltinTypeError, type BuiltinDef } from '../types.ts';
import { parseModule, RegoParseError, formatParseError } from '../../syntax/parser.ts';
import { moduleToJSON } from './astjson.ts';

// Builtins that belong to the language itself: comparison operators, membership (`in`), and a
// few runtime functions. `print`, `walk`, template strings and `rego.metadata.*` need the
// evaluator (they see undefined operands, yield many results, or read the current rule); the
// compiler handles those names specially and the entries here only declare them.

const cmp = (name: string, f: (c: number) => boolean): BuiltinDef => ({
  name,
  arity: 2,
  impl: ([a, b]) => f(compare(a!, b!)),
});

function member(x: Value, xs: Value): boolean {
  if (Array.isArray(xs)) return xs.some((e) => equals(e, x));
  if (xs instanceof RSet) return xs.has(x);
  if (xs instanceof RObject) return xs.values().some((e) => equals(e, x));
  return false;
}

function memberWithKey(k: Value, v: Value, xs: Value): boolean {
  if (Array.isArray(xs)) {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= xs.length) return false;
    return equals(xs[k]!, v);
  }
  if (xs instanceof RObject) {
    const x = xs.get(k);
    return x !== undefined && equals(x, v);
  }
  // A set member is its own key.
  if (xs instanceof RSet) return xs.has(k) && equals(k, v);
  return false;
}

export const languageBuiltins: BuiltinDef[] = [
  { name: 'equal', arity: 2, impl: ([a, b]) => equals(a!, b!) },
  { name: 'neq', arity: 2, impl: ([a, b]) => !equals(a!, b!) },
  cmp('lt', (c) => c < 0),
  cmp('lte', (c) => c <= 0),
  cmp('gt', (c) => c > 0),
  cmp('gte', (c) => c >= 0),
  { name: 'internal.member_2', arity: 2, impl: ([x, xs]) => member(x!, xs!) },
  { name: 'internal.member_3', arity: 3, impl: ([k, v, xs]) => memberWithKey(k!, v!, xs!) },
  // Handled by the compiler (see the note above); the definitions give arity and existence.
  { name: 'print', arity: -1, impl: () => true },
  { name: 'internal.print', arity: 1, impl: () => true },
  { name: 'internal.template_string', arity: 1, impl: () => undefined },
  { name: 'walk', arity: 1, impl: () => undefined },
  { name: 'rego.metadata.chain', arity: 0, impl: () => [] },
  { name: 'rego.metadata.rule', arity: 0, impl: () => new RObject() },
  { name: 'trace', arity: 1, impl: () => true },
  { name: 'internal.test_case', arity: 1, impl: () => true },
  { name: 'opa.runtime', arity: 0, impl: () => new RObject() },
  {
    name: 'rego.parse_module',
    arity: 2,
    impl: ([file, source]) => {
      if (typeof file !== 'string') throw new BuiltinError('rego.parse_module', 'operand 1 must be string');
      if (typeof source !== 'string') throw new BuiltinError('rego.parse_module', 'operand 2 must be string');
      try {
        return moduleToJSON(parseModule(file, source, { regoVersion: 'v1' }));
      } catch (e) {
        if (e instanceof RegoParseError) {
          throw new BuiltinError('rego.parse_module', e.errors.map((x) => `${x.loc.file}:${x.loc.row}: ${x.code}: ${x.message}`).join('; '));
        }
        throw e;
      }
    },
  },
  {
    name: 'http.send',
    arity: 1,
    impl: ([req]) => {
      // Validate like OPA (so policy mistakes are reported), then refuse: no network access.
      if (!(req instanceof RObject)) throw new BuiltinTypeError('http.send', 'operand 1 must be object but got ' + typeOfValue(req!));
      const keys = req.keys().filter((k): k is string => typeof k === 'string');
      const invalid = keys.filter((k) => !HTTP_SEND_KEYS.has(k));
      if (invalid.length > 0) {
        throw new BuiltinTypeError('http.send', `invalid request parameters(s): {${invalid.sort().map((k) => JSON.stringify(k)).join(', ')}}`);
      }
      const missing = ['method', 'url'].filter((k) => !req.has(k));
      if (missing.length > 0) {
        throw new BuiltinTypeError('http.send', `missing required request parameters(s): {${missing.map((k) => JSON.stringify(k)).join(', ')}}`);
      }
      throw new BuiltinHaltError('http.send', 'http.send is disabled in Gantry');
    },
  },
  {
    name: 'net.lookup_ip_addr',
    arity: 1,
    impl: ([name]) => {
      // No network access: an IP literal resolves to itself, names are refused.
      if (typeof name === 'string' && (isIPv4(name) || isIPv6(name))) return RSet.from([name]);
      throw new BuiltinHaltError('net.lookup_ip_addr', 'net.lookup_ip_addr is disabled in Gantry (no network access)');
    },
  },
];

const HTTP_SEND_KEYS = new Set([
  'method', 'url', 'body', 'enable_redirect', 'force_json_decode', 'force_yaml_decode', 'headers', 'raw_body',
  'tls_use_system_certs', 'tls_ca_cert', 'tls_ca_cert_file', 'tls_ca_cert_env_variable', 'tls_client_cert',
  'tls_client_cert_file', 'tls_client_cert_env_variable', 'tls_client_key', 'tls_client_key_file',
  'tls_client_key_env_variable', 'tls_insecure_skip_verify', 'tls_server_name', 'timeout', 'cache',
  'force_cache', 'force_cache_duration_seconds', 'raise_error', 'caching_mode', 'max_retry_attempts',
  'cache_ignored_headers',
]);

function typeOfValue(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof RObject) return 'object';
  if (v instanceof RSet) return 'set';
  return typeof v === 'bigint' ? 'number' : typeof v;
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function isIPv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  const dbl = s.split('::');
  if (dbl.length > 2) return false;
  const groups = s.split(':').filter((g) => g !== '');
  return groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g) || isIPv4(g)) && groups.length <= 8;
}

export { formatParseError };
