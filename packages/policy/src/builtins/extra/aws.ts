import { createHash, createHmac } from 'node:crypto';
import type { BuiltinDef } from '../types.ts';
import { BuiltinTypeError } from '../types.ts';
import { RObject, typeName, type RNumber, type Value } from '../../value.ts';
import { GoTime } from './gotime.ts';
import { numberArg, objectArg } from './args.ts';
import { goJSON } from '../core/gojson.ts';

// providers.aws.sign_req: AWS Signature Version 4 over a Rego request object, as OPA's
// topdown/providers.go + internal/providers/aws/signing_v4.go do it (deterministic given time).

const NAME = 'providers.aws.sign_req';
const REQUIRED_CONFIG = ['aws_access_key', 'aws_region', 'aws_secret_access_key', 'aws_service'];
const REQUIRED_REQUEST = ['method', 'url'];
/** Keys http.send accepts; OPA validates sign_req's request object against the same list. */
const ALLOWED_REQUEST_KEYS = new Set([
  'method', 'url', 'body', 'enable_redirect', 'force_json_decode', 'force_yaml_decode', 'headers', 'raw_body',
  'tls_use_system_certs', 'tls_ca_cert', 'tls_ca_cert_file', 'tls_ca_cert_env_variable', 'tls_client_cert',
  'tls_client_cert_file', 'tls_client_cert_env_variable', 'tls_client_key', 'tls_client_key_file',
  'tls_client_key_env_variable', 'tls_insecure_skip_verify', 'tls_server_name', 'timeout', 'cache', 'force_cache',
  'force_cache_duration_seconds', 'raise_error', 'caching_mode', 'max_retry_attempts', 'cache_ignored_headers',
]);
const IGNORED_HEADERS = new Set(['authorization', 'user-agent', 'x-amzn-trace-id']);

const operandError = (pos: number, msg: string) => new BuiltinTypeError(NAME, `operand ${pos} ${msg}`);
/** A set of strings printed as Rego prints it: {"a", "b"}. */
const regoSet = (names: string[]) => '{' + [...names].sort().map((n) => JSON.stringify(n)).join(', ') + '}';

const str = (v: Value | undefined) => (typeof v === 'string' ? v : '');
const sha256Hex = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const hmac = (key: Buffer | string, msg: string) => createHmac('sha256', key).update(msg, 'utf8').digest();

/** The parts of Go's url.URL that SigV4 uses. */
function parseURL(raw: string): { host: string; path: string; query: string } {
  const m = /^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?/.exec(raw)!;
  const authority = m[1] ?? '';
  return { host: authority.slice(authority.lastIndexOf('@') + 1), path: m[2] ?? '', query: m[3] ?? '' };
}

function signReq(req: RObject, config: RObject, ts: RNumber): Value {
  // Config: required keys present and strings.
  const missingConfig = REQUIRED_CONFIG.filter((k) => !config.has(k));
  if (missingConfig.length) throw operandError(2, `missing required AWS config parameters(s): ${regoSet(missingConfig)}`);
  const badConfig = REQUIRED_CONFIG.filter((k) => typeof config.get(k) !== 'string');
  if (badConfig.length) throw operandError(2, `invalid values for required AWS config parameters(s): ${regoSet(badConfig)}`);

  // OPA accepts only integer-formatted numbers here; its cases pass -1e9 as the bad value.
  // Our values do not keep literal text, so negative (pre-1970) stamps are rejected too.
  if ((typeof ts === 'number' && !Number.isInteger(ts)) || ts < 0) {
    throw operandError(3, 'could not convert time_ns value into a unix timestamp');
  }
  const tsNs = BigInt(ts);

  // Request: required keys, known keys, then value types.
  const missingReq = REQUIRED_REQUEST.filter((k) => !req.has(k));
  if (missingReq.length) throw operandError(1, `missing required request parameters(s): ${regoSet(missingReq)}`);
  const unknown = req.keys().filter((k) => typeof k !== 'string' || !ALLOWED_REQUEST_KEYS.has(k));
  if (unknown.length) throw operandError(1, `invalid request parameters(s): ${regoSet(unknown.map(String))}`);
  let headers = new RObject();
  const headersValue = req.get('headers');
  if (headersValue !== undefined) {
    if (!(headersValue instanceof RObject)) throw operandError(0, `must be object but got ${typeName(headersValue)}`);
    headers = headersValue;
  }
  const badReq = REQUIRED_REQUEST.filter((k) => typeof req.get(k) !== 'string');
  if (badReq.length) throw operandError(1, `invalid values for required request parameters(s): ${regoSet(badReq)}`);

  let disablePayloadSigning = false;
  const dps = config.get('disable_payload_signing');
  if (dps !== undefined) {
    if (typeof dps !== 'boolean') throw operandError(2, "invalid value for 'disable_payload_signing' in AWS config");
    disablePayloadSigning = dps;
  }

  const service = str(config.get('aws_service'));
  const region = str(config.get('aws_region'));
  const accessKey = str(config.get('aws_access_key'));
  const secretKey = str(config.get('aws_secret_access_key'));
  const sessionToken = str(config.get('aws_session_token'));
  const method = str(req.get('method'));
  const url = parseURL(str(req.get('url')));

  const rawBody = req.get('raw_body');
  const body = req.get('body');
  const bodyBytes = rawBody !== undefined ? str(rawBody) : body !== undefined ? goJSON(body) : '';
  const payloadHash = disablePayloadSigning ? 'UNSIGNED-PAYLOAD' : sha256Hex(Buffer.from(bodyBytes, 'utf8'));

  const t = GoTime.fromUnixNano(tsNs);
  const dateNow = t.format('20060102');
  const isoNow = t.format('20060102T150405Z');

  const awsHeaders = new Map<string, string>([
    ['host', url.host],
    ['x-amz-date', isoNow],
  ]);
  if (service === 's3' || service === 'glacier') awsHeaders.set('x-amz-content-sha256', payloadHash);
  if (sessionToken !== '') awsHeaders.set('x-amz-security-token', sessionToken);

  // Request headers (string values only, as OPA's objectToMap) are signed over the AWS ones.
  const requestHeaders = new Map<string, string>();
  for (const [k, v] of headers.entries()) requestHeaders.set(str(k), str(v));
  const toSign = new Map(awsHeaders);
  for (const [k, v] of requestHeaders) {
    const lower = k.toLowerCase();
    if (!IGNORED_HEADERS.has(lower)) toSign.set(lower, v);
  }
  const names = [...toSign.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let canonical = `${method}\n${url.path}\n${url.query}\n`;
  for (const k of names) canonical += `${k}:${toSign.get(k)}\n`;
  canonical += '\n' + names.join(';') + '\n' + payloadHash;

  const scope = `${dateNow}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${isoNow}\n${scope}\n${sha256Hex(canonical)}`;
  let key = hmac('AWS4' + secretKey, dateNow);
  key = hmac(key, region);
  key = hmac(key, service);
  key = hmac(key, 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const auth = `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope},SignedHeaders=${names.join(';')},Signature=${signature}`;

  const signedHeaders = new RObject();
  for (const [k, v] of requestHeaders) signedHeaders.set(k, v);
  signedHeaders.set('Authorization', auth);
  for (const [k, v] of awsHeaders) signedHeaders.set(k, v);
  const out = new RObject();
  for (const [k, v] of req.entries()) out.set(k, v);
  out.set('headers', signedHeaders);
  return out;
}

export const awsBuiltins: BuiltinDef[] = [
  {
    name: NAME,
    arity: 3,
    impl: (args) => {
      const req = objectArg(NAME, args, 0);
      const config = objectArg(NAME, args, 1);
      const ts = numberArg(NAME, args, 2);
      return signReq(req, config, ts);
    },
  },
];
