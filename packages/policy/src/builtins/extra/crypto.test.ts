import { describe, expect, it } from 'vitest';
import { RObject, toJSONText, type Value } from '../../value.ts';
import { BuiltinError, BuiltinTypeError } from '../types.ts';
import { cryptoBuiltins } from './crypto.ts';
import { LEAF_CERT, LEAF_CSR, LEAF_KEY_PKCS8, ROOT_CERT, RSA_KEY_PKCS1 } from './crypto.fixtures.ts';
import { caller, testContext, text } from './testing.ts';

const NS_2030 = 1_900_000_000_000_000_000n;
const call = caller(cryptoBuiltins, testContext(NS_2030));
const get = (v: Value | undefined, ...path: (string | number)[]): Value | undefined =>
  path.reduce<Value | undefined>((acc, k) => (acc instanceof RObject ? acc.get(k) : Array.isArray(acc) ? acc[k as number] : undefined), v);
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('digests and HMACs', () => {
  it('hashes UTF-8 strings', () => {
    expect(call('crypto.md5', 'lorem ipsum')).toBe('80a751fde577028640c419000e33eba6');
    expect(call('crypto.sha1', 'lorem ipsum')).toBe('bfb7759a67daeb65410490b4d98bb9da7d1ea2ce');
    expect(call('crypto.sha256', 'lorem ipsum')).toBe('5e2bf57d3f40c4b6df69daf1936cb766f832374b4fc0259a7cbff06e2f70f269');
    expect(call('crypto.hmac.sha256', 'foo', 'bar')).toBe('147933218aaabc0b8b10a2b3a5c34684c8d94341bcf10a4736dc7270f7741851');
    expect(call('crypto.hmac.md5', 'åäöçß\u{1F972}♙Ω', '秘密の')).toBe('20a8743c2157ac60b7e8b79c83651b8d');
    expect(call('crypto.hmac.equal', 'abc', 'abc')).toBe(true);
    expect(call('crypto.hmac.equal', 'abc', 'ab')).toBe(false);
    expect(() => call('crypto.sha256', 1)).toThrow(BuiltinTypeError);
  });
});

describe('crypto.x509.parse_certificates', () => {
  it('reads PEM, base64 PEM and base64 DER into Go x509 fields', () => {
    const der = Buffer.from(LEAF_CERT.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64');
    for (const input of [LEAF_CERT, b64(LEAF_CERT), der]) {
      const [cert] = call('crypto.x509.parse_certificates', input) as Value[];
      expect(get(cert, 'Subject', 'CommonName')).toBe('leaf.gantry.test');
      expect(get(cert, 'Subject', 'Country')).toEqual(['DE']);
      expect(get(cert, 'Issuer', 'CommonName')).toBe('Gantry Test Root');
      expect(get(cert, 'DNSNames')).toEqual(['leaf.gantry.test']);
      expect(get(cert, 'IPAddresses')).toEqual(['10.1.2.3']);
      expect(get(cert, 'EmailAddresses')).toEqual(['ops@gantry.test']);
      expect(get(cert, 'URIStrings')).toEqual(['spiffe://gantry.test/worker']);
      expect(get(cert, 'URIs', 0, 'Host')).toBe('gantry.test');
      expect(get(cert, 'ExtKeyUsage')).toEqual([1, 2]);
      expect(get(cert, 'KeyUsage')).toBe(1);
      expect(get(cert, 'IsCA')).toBe(false);
      expect(get(cert, 'PublicKeyAlgorithm')).toBe(3);
      expect(get(cert, 'SignatureAlgorithm')).toBe(10);
      expect(get(cert, 'Version')).toBe(3);
      expect(get(cert, 'NotAfter')).toMatch(/^2126-11-01T/);
      expect(get(cert, 'Raw')).toBe(der);
    }
    const chain = call('crypto.x509.parse_certificates', ROOT_CERT + LEAF_CERT) as Value[];
    expect(chain.map((c) => get(c, 'Subject', 'CommonName'))).toEqual(['Gantry Test Root', 'leaf.gantry.test']);
    expect(get(chain[0], 'IsCA')).toBe(true);
    expect(get(chain[0], 'MaxPathLen')).toBe(-1);
    expect(get(chain[0], 'URIStrings')).toBe(null);
  });
  it('reports malformed input like Go', () => {
    expect(() => call('crypto.x509.parse_certificates', 'foobar')).toThrow('illegal base64 data at input byte 4');
    expect(() => call('crypto.x509.parse_certificates', b64('badstring'))).toThrow('x509: malformed certificate');
    expect(() => call('crypto.x509.parse_certificates', LEAF_CSR)).toThrow("PEM block type is 'CERTIFICATE REQUEST', expected CERTIFICATE");
  });
});

describe('crypto.x509.parse_and_verify_certificates', () => {
  it('verifies root-first chains and returns them leaf-first', () => {
    const [ok, certs] = call('crypto.x509.parse_and_verify_certificates', ROOT_CERT + LEAF_CERT) as [boolean, Value[]];
    expect(ok).toBe(true);
    expect(certs.map((c) => get(c, 'Subject', 'CommonName'))).toEqual(['leaf.gantry.test', 'Gantry Test Root']);
  });
  it('fails for wrong order, a single cert, or a time before validity', () => {
    expect(call('crypto.x509.parse_and_verify_certificates', LEAF_CERT + ROOT_CERT)).toEqual([false, []]);
    expect(call('crypto.x509.parse_and_verify_certificates', LEAF_CERT)).toEqual([false, []]);
    const early = caller(cryptoBuiltins, testContext(1_700_000_000_000_000_000n));
    expect(early('crypto.x509.parse_and_verify_certificates', ROOT_CERT + LEAF_CERT)).toEqual([false, []]);
  });
  it('applies verification options', () => {
    const withOpts = (o: Record<string, Value>) =>
      (call('crypto.x509.parse_and_verify_certificates_with_options', ROOT_CERT + LEAF_CERT, RObject.fromRecord(o)) as Value[])[0];
    expect(withOpts({ DNSName: 'leaf.gantry.test' })).toBe(true);
    expect(withOpts({ DNSName: 'other.test' })).toBe(false);
    expect(withOpts({ KeyUsages: ['KeyUsageClientAuth'] })).toBe(true);
    expect(withOpts({ KeyUsages: ['KeyUsageCodeSigning'] })).toBe(false);
    expect(withOpts({ CurrentTime: 1_700_000_000_000_000_000n })).toBe(false);
    expect(() => withOpts({ KeyUsages: ['Nope'] })).toThrow("invalid entries for 'KeyUsages' found: [Nope]");
    expect(() => withOpts({ Bogus: 1 })).toThrow('invalid key option');
  });
});

describe('certificate requests, key pairs and private keys', () => {
  it('parses CSRs from PEM and base64', () => {
    for (const input of [LEAF_CSR, b64(LEAF_CSR)]) {
      const csr = call('crypto.x509.parse_certificate_request', input);
      expect(get(csr, 'Subject', 'CommonName')).toBe('leaf.gantry.test');
      expect(get(csr, 'DNSNames')).toEqual(['leaf.gantry.test']);
      expect(get(csr, 'PublicKeyAlgorithm')).toBe(3);
    }
    expect(() => call('crypto.x509.parse_certificate_request', b64('badstring'))).toThrow('asn1: structure error');
    expect(() => call('crypto.x509.parse_certificate_request', 'foobar')).toThrow('illegal base64');
  });
  it('parses key pairs and checks that they match', () => {
    const pair = call('crypto.x509.parse_keypair', LEAF_CERT, LEAF_KEY_PKCS8);
    expect(get(pair, 'Certificate', 0)).toBe(Buffer.from(LEAF_CERT.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64'));
    expect(get(pair, 'Leaf', 'Subject', 'CommonName')).toBe('leaf.gantry.test');
    expect(typeof get(pair, 'PrivateKey', 'D')).toBe('bigint');
    expect(get(call('crypto.x509.parse_keypair', b64(LEAF_CERT), b64(LEAF_KEY_PKCS8)), 'Leaf', 'Version')).toBe(3);
    expect(() => call('crypto.x509.parse_keypair', LEAF_CERT, RSA_KEY_PKCS1)).toThrow('tls: private key does not match public key');
  });
  it('parses private keys to Go structs and JWKs', () => {
    const keys = call('crypto.parse_private_keys', RSA_KEY_PKCS1 + LEAF_KEY_PKCS8) as Value[];
    expect(keys).toHaveLength(2);
    expect(get(keys[0], 'E')).toBe(65537);
    expect(text(get(keys[1], 'Curve'))).toBe('{}');
    expect(call('crypto.parse_private_keys', 'nope')).toEqual([]);
    expect(call('crypto.parse_private_keys', '')).toBe(null);
    const jwk = call('crypto.x509.parse_rsa_private_key', RSA_KEY_PKCS1);
    expect(Object.keys(JSON.parse(toJSONText(jwk!))).sort()).toEqual(['d', 'dp', 'dq', 'e', 'kty', 'n', 'p', 'q', 'qi']);
    expect(() => call('crypto.x509.parse_rsa_private_key', 'invalid')).toThrow(BuiltinError);
    expect(() => call('crypto.x509.parse_rsa_private_key', '')).toThrow('input PEM data was empty');
  });
});
