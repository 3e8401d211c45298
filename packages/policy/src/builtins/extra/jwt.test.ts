import { generateKeyPairSync, createSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RObject, fromJSON, toJSONText, type Value } from '../../value.ts';
import { BuiltinError } from '../types.ts';
import { jwtBuiltins } from './jwt.ts';
import { caller, testContext, text } from './testing.ts';

const call = caller(jwtBuiltins, testContext(1_700_000_000_000_000_000n));
const obj = (x: unknown) => fromJSON(x) as RObject;
const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

// A token from OPA's documentation (HS256, secret "secret").
const HS256 =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyIjoiYWxpY2UiLCJhenAiOiJhbGljZSIsInN1Ym9yZGluYXRlcyI6W10sImhyIjpmYWxzZX0.rz3jTY033z-NrKfwrK89_dcLF7TN4gwCMj-fVBDyLoM';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const rsaPublicPEM = rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string;
const rsaJWK = { ...rsa.privateKey.export({ format: 'jwk' }), kty: 'RSA' };
const rsaPublicJWK = rsa.publicKey.export({ format: 'jwk' });

function signRS256(claims: object, header: object = { alg: 'RS256', typ: 'JWT' }): string {
  const input = b64url(JSON.stringify(header)) + '.' + b64url(JSON.stringify(claims));
  const sig = createSign('sha256').update(input).sign(rsa.privateKey);
  return input + '.' + b64url(sig);
}

describe('io.jwt.decode', () => {
  it('decodes header, payload and hex signature', () => {
    const [header, payload, sig] = call('io.jwt.decode', HS256) as Value[];
    expect(text(header)).toBe(text(obj({ alg: 'HS256', typ: 'JWT' })));
    expect((payload as RObject).get('user')).toBe('alice');
    expect(sig).toBe(Buffer.from('rz3jTY033z-NrKfwrK89_dcLF7TN4gwCMj-fVBDyLoM', 'base64url').toString('hex'));
  });
  it('reports structural errors as OPA does', () => {
    expect(() => call('io.jwt.decode', 'abc')).toThrow('encoded JWT had no period separators');
    expect(() => call('io.jwt.decode', 'a.b')).toThrow('encoded JWT must have 3 sections, found 2');
    expect(() => call('io.jwt.decode', 'eyJhbGciOiJIU^%zI1NiI+sInR5cCI6IkpXVCJ9.e30.')).toThrow(
      'JWT header had invalid encoding: illegal base64 data at input byte 13',
    );
    const jwe = b64url('{"alg":"HS256","enc":"x"}') + '.e30.';
    expect(() => call('io.jwt.decode', jwe)).toThrow('JWT is a JWE object, which is not supported');
  });
  it('unwraps nested tokens (cty JWT)', () => {
    const outer = b64url('{"alg":"HS256","cty":"JWT"}') + '.' + b64url(JSON.stringify(HS256)) + '.c2ln';
    expect(text((call('io.jwt.decode', outer) as Value[])[0])).toBe(text(obj({ alg: 'HS256', typ: 'JWT' })));
  });
});

describe('io.jwt.verify_*', () => {
  it('verifies HMAC tokens', () => {
    expect(call('io.jwt.verify_hs256', HS256, 'secret')).toBe(true);
    expect(call('io.jwt.verify_hs256', HS256, 'wrong')).toBe(false);
    expect(call('io.jwt.verify_hs384', HS256, 'secret')).toBe(false);
  });
  it('verifies RSA tokens with PEM keys and JWKS, honouring kid and alg', () => {
    const token = signRS256({ iss: 'x' });
    expect(call('io.jwt.verify_rs256', token, rsaPublicPEM)).toBe(true);
    expect(call('io.jwt.verify_ps256', token, rsaPublicPEM)).toBe(false);
    expect(call('io.jwt.verify_rs256', token, JSON.stringify(rsaPublicJWK))).toBe(true);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
    const jwks = JSON.stringify({ keys: [{ ...other, kid: 'a', alg: 'RS256' }, { ...rsaPublicJWK, kid: 'b', alg: 'RS256' }] });
    expect(call('io.jwt.verify_rs256', token, jwks)).toBe(true);
    const withKid = signRS256({}, { alg: 'RS256', kid: 'a' });
    expect(call('io.jwt.verify_rs256', withKid, jwks)).toBe(false);
  });
  it('verifies ES256 and EdDSA tokens', () => {
    const input = b64url('{"alg":"ES256"}') + '.' + b64url('{}');
    const sig = createSign('sha256').update(input).sign({ key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
    const pem = ec.publicKey.export({ format: 'pem', type: 'spki' }) as string;
    expect(call('io.jwt.verify_es256', input + '.' + b64url(sig), pem)).toBe(true);
    expect(call('io.jwt.verify_es256', input + '.' + b64url(Buffer.alloc(64)), pem)).toBe(false);
    const token = call('io.jwt.encode_sign', obj({ alg: 'EdDSA' }), obj({ a: 1 }), obj(ed.privateKey.export({ format: 'jwk' })));
    expect(call('io.jwt.verify_eddsa', token!, ed.publicKey.export({ format: 'pem', type: 'spki' }) as string)).toBe(true);
  });
  it('rejects bad key material with OPA messages', () => {
    const token = signRS256({});
    expect(() => call('io.jwt.verify_rs256', token, '-----BEGIN CERT-----\nAAAA\n-----END CERT-----\n')).toThrow(
      'failed to extract a Key from the PEM certificate',
    );
    expect(() => call('io.jwt.verify_rs256', token, rsaPublicPEM + 'junk')).toThrow('extra data after a PEM certificate block');
    expect(() => call('io.jwt.verify_rs256', token, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(
      'failed to parse a PEM certificate',
    );
    expect(() => call('io.jwt.verify_rs256', token, '{"kty":"bogus"}')).toThrow('failed to parse a JWK key (set)');
    expect(() => call('io.jwt.verify_rs256', 'a.b', rsaPublicPEM)).toThrow(BuiltinError);
  });
});

describe('io.jwt.decode_verify', () => {
  const secret = (extra: object = {}) => obj({ secret: 'secret', ...extra });
  const hs = (claims: object, header: object = { alg: 'HS256', typ: 'JWT' }) =>
    call('io.jwt.encode_sign', obj(header), obj(claims), obj({ kty: 'oct', k: b64url('secret') })) as string;
  const unverified = [false, new RObject(), new RObject()];

  it('returns header and payload when everything checks out', () => {
    expect(toJSONText(call('io.jwt.decode_verify', HS256, secret())!)).toBe(
      '[true,{"alg":"HS256","typ":"JWT"},{"azp":"alice","hr":false,"subordinates":[],"user":"alice"}]',
    );
  });
  it('checks exp and nbf against the time constraint (seconds vs nanoseconds)', () => {
    const t = hs({ exp: 3000, nbf: 1000.5 });
    expect((call('io.jwt.decode_verify', t, secret({ time: 2000e9 })) as Value[])[0]).toBe(true);
    expect(text(call('io.jwt.decode_verify', t, secret({ time: 3000e9 })))).toBe(text(unverified));
    expect(text(call('io.jwt.decode_verify', t, secret({ time: 1000e9 })))).toBe(text(unverified));
    // Without a time constraint the evaluation time (2023) is used: exp 3000 is long past.
    expect(text(call('io.jwt.decode_verify', t, secret()))).toBe(text(unverified));
  });
  it('checks iss, aud and alg constraints', () => {
    const t = hs({ iss: 'xxx', aud: ['fred', 'bob'] });
    expect((call('io.jwt.decode_verify', t, secret({ iss: 'xxx', aud: 'bob' })) as Value[])[0]).toBe(true);
    expect(text(call('io.jwt.decode_verify', t, secret({ iss: 'yyy', aud: 'bob' })))).toBe(text(unverified));
    expect(text(call('io.jwt.decode_verify', t, secret()))).toBe(text(unverified)); // aud present but not required
    expect(text(call('io.jwt.decode_verify', t, secret({ aud: 'bob', alg: 'RS256' })))).toBe(text(unverified));
    expect(text(call('io.jwt.decode_verify', hs({}), secret({ aud: 'bob' })))).toBe(text(unverified));
  });
  it('rejects tokens without alg or with unknown critical headers', () => {
    expect(text(call('io.jwt.decode_verify', hs({}, { alg: 'HS256', crit: ['junk'], junk: 1 }), secret()))).toBe(text(unverified));
  });
  it('verifies with certificates/JWKS and reports constraint errors', () => {
    const t = signRS256({ iss: 'x' });
    expect((call('io.jwt.decode_verify', t, obj({ cert: rsaPublicPEM })) as Value[])[0]).toBe(true);
    expect(() => call('io.jwt.decode_verify', t, obj({}))).toThrow('no key constraint');
    expect(() => call('io.jwt.decode_verify', t, obj({ cert: rsaPublicPEM, secret: 's' }))).toThrow('duplicate key constraints');
    expect(() => call('io.jwt.decode_verify', t, obj({ secret: 's', foo: 1 }))).toThrow('unknown token validation constraint: foo');
    expect(() => call('io.jwt.decode_verify', hs({ exp: 'soon' }), secret())).toThrow('exp value must be a number');
  });
});

describe('io.jwt.encode_sign / encode_sign_raw', () => {
  const key = JSON.stringify({ kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow' });
  it('signs RFC 7515 A.1 exactly', () => {
    const header = '{"typ":"JWT",\r\n "alg":"HS256"}';
    const payload = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}';
    expect(call('io.jwt.encode_sign_raw', header, payload, key)).toBe(
      'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    );
  });
  it('marshals objects with sorted keys and signs RS256 deterministically', () => {
    const t = call('io.jwt.encode_sign', obj({ alg: 'RS256' }), obj({ b: 1, a: [1, 2] }), obj(rsaJWK)) as string;
    expect(t.split('.')[1]).toBe(b64url('{"a":[1,2],"b":1}'));
    expect(call('io.jwt.verify_rs256', t, rsaPublicPEM)).toBe(true);
  });
  it('rejects bad headers and payloads like OPA', () => {
    expect(() => call('io.jwt.encode_sign_raw', '', '{}', key)).toThrow("missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
    expect(() => call('io.jwt.encode_sign_raw', '{}', '{}', key)).toThrow('jwsbb: header "alg" not found');
    expect(() => call('io.jwt.encode_sign_raw', 'e', '{}', key)).toThrow('jwsbb: header "alg" not found');
    expect(() => call('io.jwt.encode_sign_raw', '{"typ:"JWT"}', '{}', key)).toThrow("missing or invalid 'alg' header: cannot parse JSON");
    expect(() => call('io.jwt.encode_sign_raw', '{"alg":"dummy"}', '{}', key)).toThrow('unknown JWS algorithm: dummy');
    expect(() => call('io.jwt.encode_sign_raw', '{"alg":"HS256"}', 'e', key)).toThrow('type is JWT but payload is not JSON');
    expect(call('io.jwt.encode_sign_raw', '{"typ":"text/plain","alg":"HS256"}', 'e', key)).toMatch(/\.ZQ\./);
  });
});
