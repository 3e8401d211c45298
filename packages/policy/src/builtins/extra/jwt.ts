import type { BuiltinDef, BuiltinImpl } from '../types.ts';
import { RObject, type Value } from '../../value.ts';
import { builtinError, objectArg, stringArg, typeError } from './args.ts';
import { EncodingError, base64UrlNoPad, opaBase64UrlDecode } from './encoding.ts';
import { goJSON, isValidGoJSON, JSONSyntaxError, parseGoJSON } from '../core/gojson.ts';
import { KeyError, TOKEN_ALGORITHMS, keysFromCertOrJWK, parseJWKSet, signJWS, verifyJWS, type JWSKey, type VerificationKey } from './jws.ts';

// OPA's io.jwt.* builtins (topdown/tokens.go): decoding, signature verification, full
// decode_verify with constraints, and signing.

interface Token {
  header: string;
  payload: string;
  signature: string;
}

/** OPA's decodeJWT: split into the three compact-serialisation sections. */
function splitToken(name: string, v: Value): Token {
  if (typeof v !== 'string') throw typeError(name, 1, v, 'string');
  if (!v.includes('.')) throw builtinError(name, 'encoded JWT had no period separators');
  const parts = v.split('.');
  if (parts.length !== 3) throw builtinError(name, `encoded JWT must have 3 sections, found ${parts.length}`);
  return { header: parts[0]!, payload: parts[1]!, signature: parts[2]! };
}

function b64(name: string, s: string, what: string): Buffer {
  try {
    return opaBase64UrlDecode(s);
  } catch (e) {
    if (e instanceof EncodingError) throw builtinError(name, what === '' ? e.message : `${what} had invalid encoding: ${e.message}`);
    throw e;
  }
}

/** OPA's extractJSONObject. */
function jsonObject(name: string, text: string, prefix = ''): RObject {
  let v: Value;
  try {
    v = parseGoJSON(text);
  } catch (e) {
    if (e instanceof JSONSyntaxError) throw builtinError(name, `${prefix}invalid JSON: ${e.message}`);
    throw e;
  }
  if (!(v instanceof RObject)) throw builtinError(name, `${prefix}decoded JSON type was not an Object`);
  return v;
}

function decodeHeader(name: string, t: Token): RObject {
  const text = b64(name, t.header, 'JWT header').toString('utf8');
  const header = jsonObject(name, text, 'bad JWT header: ');
  if (header.has('enc')) throw builtinError(name, 'JWT is a JWE object, which is not supported');
  return header;
}

const decode: BuiltinImpl = (args) => {
  const name = 'io.jwt.decode';
  let input: Value = args[0]!;
  for (;;) {
    const t = splitToken(name, input);
    const header = decodeHeader(name, t);
    let payload = b64(name, t.payload, 'JWT payload').toString('utf8');
    const cty = header.get('cty');
    if (typeof cty === 'string' && cty === 'JWT') {
      // A nested token is usually quoted (jwt.io does that): strip the quotes and recurse.
      payload = payload.replace(/^["']+/, '').replace(/["']+$/, '');
      input = payload;
      continue;
    }
    const claims = jsonObject(name, payload);
    const sig = b64(name, t.signature, 'JWT signature');
    return [header, claims, sig.toString('hex')];
  }
};

interface ParsedHeader {
  alg: string;
  kid: string;
  cty: string;
  valid: boolean;
}

/** OPA's parseTokenHeader + tokenHeader.valid. */
function parseHeader(name: string, header: RObject): ParsedHeader {
  const out = { alg: '', kid: '', typ: '', cty: '' };
  const unknown: string[] = [];
  let crit: Set<string> | undefined;
  for (const [k, v] of header.entries()) {
    const key = String(k);
    if (key === 'alg' || key === 'kid' || key === 'typ' || key === 'cty') {
      if (typeof v !== 'string') throw builtinError(name, `${key}: must be a string`);
      out[key] = v;
    } else if (key === 'crit') {
      if (!Array.isArray(v)) throw builtinError(name, 'crit: must be a list');
      crit = new Set(v.filter((x): x is string => typeof x === 'string'));
      if (crit.size === 0) throw builtinError(name, 'crit: must be a nonempty list');
    } else unknown.push(key);
  }
  let valid = out.alg !== '';
  if (crit && unknown.some((u) => crit!.has(u))) valid = false;
  return { alg: out.alg, kid: out.kid, cty: out.cty, valid };
}

function signedInput(t: Token): Buffer {
  return Buffer.from(t.header + '.' + t.payload, 'utf8');
}

/** The shared body of verify_rs*, verify_ps*, verify_es*, verify_eddsa. */
function verifyWithKeys(name: string, alg: string): BuiltinImpl {
  return (args) => {
    const t = splitToken(name, args[0]!);
    const keyText = stringArg(name, args, 1);
    let keys: VerificationKey[];
    try {
      keys = keysFromCertOrJWK(keyText);
    } catch (e) {
      if (e instanceof KeyError) throw builtinError(name, e.message);
      throw e;
    }
    const sig = b64(name, t.signature, '');
    const header = parseHeader(name, decodeHeader(name, t));
    const data = signedInput(t);
    // Each builtin fixes its algorithm; the header's alg only selects among JWKS keys.
    if (header.kid !== '') {
      const byKid = keys.find((k) => k.kid === header.kid);
      if (byKid) return verifyJWS(byKid.key, alg, data, sig);
    }
    for (const k of keys) {
      if (k.alg !== '' && k.alg !== header.alg) continue;
      if (verifyJWS(k.key, alg, data, sig)) return true;
    }
    return false;
  };
}

function verifyHS(name: string, alg: string): BuiltinImpl {
  return (args) => {
    const jwt = stringArg(name, args, 0);
    const secret = stringArg(name, args, 1);
    const t = splitToken(name, jwt);
    const sig = b64(name, t.signature, '');
    return verifyJWS(Buffer.from(secret, 'utf8'), alg, signedInput(t), sig);
  };
}

// ---------------------------------------------------------------------------------------------
// decode_verify

interface Constraints {
  secret: string;
  alg: string;
  iss: string;
  aud: string;
  keys: VerificationKey[] | undefined;
  time: number;
}

function timeFromValue(name: string, v: Value): number {
  if (typeof v !== 'number' && typeof v !== 'bigint') throw builtinError(name, 'token time constraint: must be a number');
  const t = Number(v);
  if (t < 0) throw builtinError(name, 'token time constraint: must not be negative');
  return t;
}

function parseConstraints(name: string, o: RObject, nowNs: bigint): Constraints {
  const c: Constraints = { secret: '', alg: '', iss: '', aud: '', keys: undefined, time: -1 };
  for (const [k, v] of o.entries()) {
    const key = String(k);
    switch (key) {
      case 'cert':
        if (typeof v !== 'string') throw builtinError(name, 'cert constraint: must be a string');
        try {
          c.keys = keysFromCertOrJWK(v);
        } catch (e) {
          if (e instanceof KeyError) throw builtinError(name, e.message);
          throw e;
        }
        break;
      case 'secret':
      case 'alg':
      case 'iss':
      case 'aud':
        if (typeof v !== 'string') throw builtinError(name, `${key} constraint: must be a string`);
        c[key] = v;
        break;
      case 'time':
        c.time = timeFromValue(name, v);
        break;
      default:
        throw builtinError(name, `unknown token validation constraint: ${key}`);
    }
  }
  if (c.time === -1) c.time = Number(nowNs);
  const keyCount = (c.keys !== undefined ? 1 : 0) + (c.secret !== '' ? 1 : 0);
  if (keyCount > 1) throw builtinError(name, 'duplicate key constraints');
  if (keyCount < 1) throw builtinError(name, 'no key constraint');
  return c;
}

function verifyConstraints(c: Constraints, header: ParsedHeader, data: Buffer, sig: Buffer): boolean {
  if (c.keys !== undefined) {
    if (header.kid !== '') {
      const byKid = c.keys.find((k) => k.kid === header.kid);
      if (byKid) return verifyJWS(byKid.key, header.alg, data, sig);
    }
    for (const k of c.keys) {
      if (k.alg !== '' && k.alg !== header.alg) continue;
      if (verifyJWS(k.key, header.alg, data, sig)) return true;
    }
    return false;
  }
  return verifyJWS(Buffer.from(c.secret, 'utf8'), header.alg, data, sig);
}

const decodeVerify: BuiltinImpl = (args, ctx) => {
  const name = 'io.jwt.decode_verify';
  const constraintsObj = objectArg(name, args, 1);
  const unverified = [false, new RObject(), new RObject()];
  const c = parseConstraints(name, constraintsObj, ctx.nowNs);
  let input: Value = args[0]!;
  let header: RObject;
  let payloadText: string;
  for (;;) {
    const t = splitToken(name, input);
    header = decodeHeader(name, t);
    const parsed = parseHeader(name, header);
    if (!parsed.valid) return unverified;
    if (c.alg !== '' && c.alg !== parsed.alg) return unverified;
    const sig = b64(name, t.signature, '');
    if (!verifyConstraints(c, parsed, signedInput(t), sig)) return unverified;
    payloadText = b64(name, t.payload, 'JWT payload').toString('utf8');
    if (parsed.cty.toLowerCase() === 'jwt') {
      input = payloadText;
      continue;
    }
    break;
  }
  const payload = jsonObject(name, payloadText);

  if (c.iss !== '') {
    const iss = payload.get('iss');
    if (iss === undefined || iss !== c.iss) return unverified;
  }
  const aud = payload.get('aud');
  if (aud !== undefined) {
    const ok = typeof aud === 'string' ? aud === c.aud : Array.isArray(aud) && aud.some((a) => a === c.aud);
    if (!ok) return unverified;
  } else if (c.aud !== '') return unverified;

  const nowSeconds = c.time / 1e9;
  const exp = payload.get('exp');
  if (exp !== undefined) {
    if (typeof exp !== 'number' && typeof exp !== 'bigint') throw builtinError(name, 'exp value must be a number');
    if (!(nowSeconds < Number(exp))) return unverified;
  }
  const nbf = payload.get('nbf');
  if (nbf !== undefined) {
    if (typeof nbf !== 'number' && typeof nbf !== 'bigint') throw builtinError(name, 'nbf value must be a number');
    if (nowSeconds < Number(nbf)) return unverified;
  }
  return [true, header, payload];
};

// ---------------------------------------------------------------------------------------------
// Signing

/** Reads the `alg` header as jwsbb.HeaderGetString does (fastjson semantics for odd input). */
function headerAlg(name: string, headerText: string): { alg: string; typ: string | undefined } {
  const trimmed = headerText.trim();
  const fail = (msg: string) => builtinError(name, `missing or invalid 'alg' header: ${msg}`);
  if (trimmed === '') throw fail('cannot parse JSON: cannot parse empty string');
  let doc: Value;
  try {
    doc = parseGoJSON(trimmed);
  } catch (e) {
    // fastjson reads anything starting like a number as a (non-object) number.
    if (/^[-+0-9.eE]/.test(trimmed) || /^(true|false|null)/.test(trimmed)) doc = null;
    else throw fail(`cannot parse JSON: ${(e as Error).message}`);
  }
  const alg = doc instanceof RObject ? doc.get('alg') : undefined;
  if (alg === undefined) throw fail('jwsbb: header "alg" not found');
  if (typeof alg !== 'string') throw fail('jwsbb: header "alg" is not a string');
  const typ = doc instanceof RObject ? doc.get('typ') : undefined;
  return { alg, typ: typeof typ === 'string' ? typ : undefined };
}

function encodeSign(name: string, headerText: string, payloadText: string, jwkText: string): string {
  let key: JWSKey;
  try {
    const keys = parseJWKSet(jwkText);
    if (keys.length === 0) throw new KeyError('no keys found in JWK set');
    key = keys[0]!.key;
  } catch (e) {
    if (e instanceof KeyError) throw builtinError(name, e.message);
    throw e;
  }
  const { alg, typ } = headerAlg(name, headerText);
  if (!TOKEN_ALGORITHMS.has(alg)) throw builtinError(name, `unknown JWS algorithm: ${alg}`);
  if ((typ === undefined || typ === 'JWT') && !isValidGoJSON(payloadText)) {
    throw builtinError(name, 'type is JWT but payload is not JSON');
  }
  const signingInput = base64UrlNoPad(headerText) + '.' + base64UrlNoPad(payloadText);
  try {
    return signingInput + '.' + base64UrlNoPad(signJWS(key, alg, Buffer.from(signingInput, 'utf8')));
  } catch (e) {
    if (e instanceof KeyError) throw builtinError(name, e.message);
    throw e;
  }
}

export const jwtBuiltins: BuiltinDef[] = [
  { name: 'io.jwt.decode', arity: 1, impl: decode },
  { name: 'io.jwt.decode_verify', arity: 2, impl: decodeVerify, nondeterministic: true },
  ...(['256', '384', '512'] as const).flatMap((bits): BuiltinDef[] => [
    { name: `io.jwt.verify_rs${bits}`, arity: 2, impl: verifyWithKeys(`io.jwt.verify_rs${bits}`, `RS${bits}`) },
    { name: `io.jwt.verify_ps${bits}`, arity: 2, impl: verifyWithKeys(`io.jwt.verify_ps${bits}`, `PS${bits}`) },
    { name: `io.jwt.verify_es${bits}`, arity: 2, impl: verifyWithKeys(`io.jwt.verify_es${bits}`, `ES${bits}`) },
    { name: `io.jwt.verify_hs${bits}`, arity: 2, impl: verifyHS(`io.jwt.verify_hs${bits}`, `HS${bits}`) },
  ]),
  { name: 'io.jwt.verify_eddsa', arity: 2, impl: verifyWithKeys('io.jwt.verify_eddsa', 'EdDSA') },
  {
    name: 'io.jwt.encode_sign',
    arity: 3,
    nondeterministic: true,
    impl: (args) => {
      const name = 'io.jwt.encode_sign';
      for (let i = 0; i < 3; i++) objectArg(name, args, i);
      return encodeSign(name, goJSON(args[0]!), goJSON(args[1]!), goJSON(args[2]!));
    },
  },
  {
    name: 'io.jwt.encode_sign_raw',
    arity: 3,
    nondeterministic: true,
    impl: (args) => {
      const name = 'io.jwt.encode_sign_raw';
      const jwk = stringArg(name, args, 2);
      return encodeSign(name, stringArg(name, args, 0), stringArg(name, args, 1), jwk);
    },
  },
];
