// Keys and JWS signatures for the io.jwt.* builtins, on node:crypto: reading keys from PEM
// certificates, PEM public keys and JWK (sets) as OPA does, and signing/verifying per JWS alg.

import {
  X509Certificate,
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { RObject, type Value } from '../../value.ts';
import { pemDecode } from './encoding.ts';
import { parseGoJSON } from '../core/gojson.ts';

export class KeyError extends Error {}

/** A verification or signing key: an asymmetric KeyObject or the bytes of a shared secret. */
export type JWSKey = KeyObject | Buffer;

export interface VerificationKey {
  key: JWSKey;
  alg: string;
  kid: string;
}

/** OPA's supported JWS algorithms (tokenAlgorithms). */
export const TOKEN_ALGORITHMS = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'EdDSA',
]);

const HASHES: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

export function hashForAlg(alg: string): string | undefined {
  return HASHES[alg.slice(2)];
}

// ---------------------------------------------------------------------------------------------
// JWK

function jwkField(o: RObject, name: string): string | undefined {
  const v = o.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** Turns one JWK object into a key (lestrrat-go/jwx jwk.Export equivalent). */
export function keyFromJWK(o: RObject): VerificationKey {
  const kty = jwkField(o, 'kty');
  if (kty === undefined) throw new KeyError('invalid key type from JSON (undefined)');
  const alg = jwkField(o, 'alg') ?? '';
  const kid = jwkField(o, 'kid') ?? '';
  const plain: Record<string, string> = {};
  for (const [k, v] of o.entries()) if (typeof k === 'string' && typeof v === 'string') plain[k] = v;
  try {
    switch (kty) {
      case 'oct': {
        const k = plain.k;
        if (k === undefined) throw new KeyError(`failed to parse key: required field k is missing`);
        return { key: Buffer.from(k, 'base64url'), alg, kid };
      }
      case 'RSA':
      case 'EC':
      case 'OKP': {
        const jwk = plain as unknown as JsonWebKey;
        const key = plain.d !== undefined ? createPrivateKey({ key: jwk, format: 'jwk' }) : createPublicKey({ key: jwk, format: 'jwk' });
        return { key, alg, kid };
      }
      default:
        throw new KeyError(`invalid key type from JSON (${kty})`);
    }
  } catch (e) {
    if (e instanceof KeyError) throw e;
    throw new KeyError(`failed to parse ${kty} key: ${(e as Error).message}`);
  }
}

/** jwk.ParseString: a single JWK or a JWK set `{"keys": [...]}`. */
export function parseJWKSet(text: string): VerificationKey[] {
  let doc: Value;
  try {
    doc = parseGoJSON(text);
  } catch (e) {
    throw new KeyError(`failed to unmarshal JSON into key set: ${(e as Error).message}`);
  }
  if (!(doc instanceof RObject)) throw new KeyError('failed to unmarshal JSON into key set: not an object');
  const keys = doc.get('keys');
  if (keys !== undefined) {
    if (!Array.isArray(keys)) throw new KeyError('failed to parse key set: "keys" must be an array');
    return keys.map((k) => {
      if (!(k instanceof RObject)) throw new KeyError('failed to parse key set: key must be an object');
      return keyFromJWK(k);
    });
  }
  return [keyFromJWK(doc)];
}

/** OPA's getKeysFromCertOrJWK: a PEM certificate, a PEM public key, or JWK (set) JSON. */
export function keysFromCertOrJWK(certificate: string): VerificationKey[] {
  const { block, rest } = pemDecode(certificate);
  if (block) {
    if (rest.length > 0) throw new KeyError('extra data after a PEM certificate block');
    if (block.type === 'CERTIFICATE') {
      try {
        return [{ key: new X509Certificate(block.bytes).publicKey, alg: '', kid: '' }];
      } catch {
        throw new KeyError('failed to parse a PEM certificate: x509: malformed certificate');
      }
    }
    if (block.type === 'PUBLIC KEY') {
      try {
        return [{ key: createPublicKey({ key: block.bytes, format: 'der', type: 'spki' }), alg: '', kid: '' }];
      } catch (e) {
        throw new KeyError(`failed to parse a PEM public key: ${(e as Error).message}`);
      }
    }
    throw new KeyError('failed to extract a Key from the PEM certificate');
  }
  try {
    return parseJWKSet(certificate);
  } catch (e) {
    throw new KeyError(`failed to parse a JWK key (set): ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Signatures

const isSecret = (k: JWSKey): k is Buffer => Buffer.isBuffer(k);
const keyType = (k: JWSKey) => (isSecret(k) ? 'secret' : k.type === 'secret' ? 'secret' : k.asymmetricKeyType);

function secretBytes(k: JWSKey): Buffer | undefined {
  if (isSecret(k)) return k;
  if (k.type === 'secret') return k.export();
  return undefined;
}

/** DER-encodes an ECDSA signature given as r||s split in half (as OPA's verifyES does). */
function ecdsaRawToDER(sig: Uint8Array): Buffer {
  const n = Math.floor(sig.length / 2);
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = Buffer.from(b.subarray(i));
    if (v.length === 0) v = Buffer.from([0]);
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
  };
  const body = Buffer.concat([int(sig.subarray(0, n)), int(sig.subarray(n))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Verifies `sig` over `data` with `alg`; any mismatch of key type or bad signature is false. */
export function verifyJWS(key: JWSKey, alg: string, data: Buffer, sig: Buffer): boolean {
  try {
    const family = alg.slice(0, 2);
    if (alg === 'EdDSA') {
      if (keyType(key) !== 'ed25519' && keyType(key) !== 'ed448') return false;
      return cryptoVerify(null, data, key as KeyObject, sig);
    }
    const hash = hashForAlg(alg);
    if (!hash || !TOKEN_ALGORITHMS.has(alg)) return false;
    switch (family) {
      case 'HS': {
        const secret = secretBytes(key);
        if (!secret) return false;
        const mac = createHmac(hash, secret).update(data).digest();
        return mac.length === sig.length && timingSafeEqual(mac, sig);
      }
      case 'RS':
        if (keyType(key) !== 'rsa') return false;
        return cryptoVerify(hash, data, { key: key as KeyObject, padding: constants.RSA_PKCS1_PADDING }, sig);
      case 'PS':
        if (keyType(key) !== 'rsa' && keyType(key) !== 'rsa-pss') return false;
        return cryptoVerify(
          hash,
          data,
          { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
          sig,
        );
      case 'ES':
        if (keyType(key) !== 'ec' || sig.length === 0) return false;
        return cryptoVerify(hash, data, { key: key as KeyObject, dsaEncoding: 'der' }, ecdsaRawToDER(sig));
    }
    return false;
  } catch {
    return false;
  }
}

/** Signs `data` with `alg` (jwsbb.Sign); throws KeyError when the key does not fit the alg. */
export function signJWS(key: JWSKey, alg: string, data: Buffer): Buffer {
  const family = alg.slice(0, 2);
  const wrongKey = () => new KeyError(`failed to sign payload: invalid key type for algorithm ${alg}`);
  if (alg === 'EdDSA') {
    if (isSecret(key) || key.type !== 'private' || key.asymmetricKeyType !== 'ed25519') throw wrongKey();
    return cryptoSign(null, data, key);
  }
  const hash = hashForAlg(alg)!;
  switch (family) {
    case 'HS': {
      const secret = secretBytes(key);
      if (!secret) throw wrongKey();
      return createHmac(hash, secret).update(data).digest();
    }
    case 'RS':
      if (isSecret(key) || key.type !== 'private' || key.asymmetricKeyType !== 'rsa') throw wrongKey();
      return cryptoSign(hash, data, { key, padding: constants.RSA_PKCS1_PADDING });
    case 'PS':
      if (isSecret(key) || key.type !== 'private' || key.asymmetricKeyType !== 'rsa') throw wrongKey();
      return cryptoSign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
    case 'ES':
      if (isSecret(key) || key.type !== 'private' || key.asymmetricKeyType !== 'ec') throw wrongKey();
      return cryptoSign(hash, data, { key, dsaEncoding: 'ieee-p1363' });
  }
  throw new KeyError(`unsupported signature algorithm ${alg}`);
}
