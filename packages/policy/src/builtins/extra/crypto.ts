import { createHash, createHmac, createPrivateKey, createPublicKey, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { RObject, RSet, fromJSON, type Value } from '../../value.ts';
import { builtinError, objectArg, stringArg } from './args.ts';
import { EncodingError, goBase64Decode, pemDecode, pemEncode } from './encoding.ts';
import { certificateJSON, certificateRequestValue, parseCertificatesDER, X509Error, type ParsedCert } from './x509json.ts';

// OPA's crypto.* builtins (topdown/crypto.go): digests, HMACs, X.509 certificate / CSR / key
// parsing and certificate chain verification, on node:crypto and @peculiar/asn1-x509.

class CryptoFailure extends Error {}

/** Runs `fn` and reports any expected failure as a builtin error of `name`. */
function guarded<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CryptoFailure || e instanceof EncodingError || e instanceof X509Error) throw builtinError(name, e.message);
    throw e;
  }
}

const digest = (alg: string) => (args: Value[]) => createHash(alg).update(stringArg(`crypto.${alg}`, args, 0), 'utf8').digest('hex');

const hmac = (alg: string) => (args: Value[]) => {
  const name = `crypto.hmac.${alg}`;
  const message = stringArg(name, args, 0);
  const key = stringArg(name, args, 1);
  return createHmac(alg, Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex');
};

// ---------------------------------------------------------------------------------------------
// Certificates

const startsWithPEM = (s: string | Buffer) => (typeof s === 'string' ? s : s.toString('latin1')).startsWith('-----BEGIN');

function certsFromPEM(text: string): ParsedCert[] {
  const ders: Buffer[] = [];
  let rest = text;
  while (rest.length > 0) {
    const { block, rest: next } = pemDecode(rest);
    if (!block) break;
    if (block.type !== 'CERTIFICATE') throw new CryptoFailure(`PEM block type is '${block.type}', expected CERTIFICATE`);
    ders.push(block.bytes);
    rest = next;
  }
  return parseCertificatesDER(Buffer.concat(ders));
}

/** OPA's getX509CertsFromString: PEM text, or base64 of PEM or of DER. */
function certsFromString(input: string): ParsedCert[] {
  if (input.startsWith('-----BEGIN')) return certsFromPEM(input);
  const bytes = goBase64Decode(input);
  if (startsWithPEM(bytes)) return certsFromPEM(bytes.toString('utf8'));
  return parseCertificatesDER(bytes);
}

function certsValue(certs: ParsedCert[], withURIStrings: boolean): Value {
  return certs.map((c) => {
    const { json } = certificateJSON(c);
    if (!withURIStrings) delete json.URIStrings;
    return fromJSON(json);
  });
}

interface VerifyOptions {
  dnsName: string;
  currentTimeNs: bigint | undefined;
  keyUsages: number[];
}

const KEY_USAGES: Record<string, number> = {
  KeyUsageAny: 0,
  KeyUsageServerAuth: 1,
  KeyUsageClientAuth: 2,
  KeyUsageCodeSigning: 3,
  KeyUsageEmailProtection: 4,
  KeyUsageIPSECEndSystem: 5,
  KeyUsageIPSECTunnel: 6,
  KeyUsageIPSECUser: 7,
  KeyUsageTimeStamping: 8,
  KeyUsageOCSPSigning: 9,
  KeyUsageMicrosoftServerGatedCrypto: 10,
  KeyUsageNetscapeServerGatedCrypto: 11,
  KeyUsageMicrosoftCommercialCodeSigning: 12,
  KeyUsageMicrosoftKernelCodeSigning: 13,
};

/** OPA's extractVerifyOpts. */
function verifyOptions(name: string, o: RObject): VerifyOptions {
  const opts: VerifyOptions = { dnsName: '', currentTimeNs: undefined, keyUsages: [] };
  for (const [k, v] of o.entries()) {
    if (typeof k !== 'string') continue;
    switch (k) {
      case 'DNSName':
        if (typeof v !== 'string') throw builtinError(name, "'DNSName' should be a string");
        opts.dnsName = v.replace(/^"+|"+$/g, '');
        break;
      case 'CurrentTime':
        if (typeof v !== 'number' && typeof v !== 'bigint') throw builtinError(name, "'CurrentTime' should be a number");
        if (typeof v === 'number' && !Number.isInteger(v)) throw builtinError(name, "'CurrentTime' should be a valid int64 number");
        opts.currentTimeNs = BigInt(v);
        break;
      case 'MaxConstraintComparisons':
        if (typeof v !== 'number' && typeof v !== 'bigint') throw builtinError(name, "'MaxConstraintComparisons' should be a number");
        break;
      case 'KeyUsages': {
        let items: readonly Value[];
        if (Array.isArray(v)) items = v;
        else if (v instanceof RSet) items = v.values();
        else throw builtinError(name, "'KeyUsages' should be an Array or Set");
        const invalid: string[] = [];
        for (const item of items) {
          if (typeof item !== 'string') continue;
          const u = item.replace(/^"+|"+$/g, '');
          const code = KEY_USAGES[u];
          if (code === undefined) invalid.push(u);
          else opts.keyUsages.push(code);
        }
        if (invalid.length) throw builtinError(name, `invalid entries for 'KeyUsages' found: [${invalid.join(' ')}]`);
        break;
      }
      default:
        throw builtinError(name, 'invalid key option');
    }
  }
  return opts;
}

interface ChainCert {
  parsed: ParsedCert;
  x509: X509Certificate;
  facts: ReturnType<typeof certificateJSON>['facts'];
}

/**
 * OPA's verifyX509CertificateChain: certs[0] is the root, the last is the leaf, the rest are
 * intermediates. Returns the chain leaf-first (Go's chains[0]), or undefined if it does not verify.
 */
function verifyChain(certs: ParsedCert[], opts: VerifyOptions, nowNs: bigint): ParsedCert[] | undefined {
  if (certs.length < 2) return undefined;
  const wrap = (p: ParsedCert): ChainCert => ({ parsed: p, x509: new X509Certificate(p.der), facts: certificateJSON(p).facts });
  let root: ChainCert;
  let pool: ChainCert[];
  let leaf: ChainCert;
  try {
    root = wrap(certs[0]!);
    pool = certs.slice(1, -1).map(wrap);
    leaf = wrap(certs[certs.length - 1]!);
  } catch {
    return undefined;
  }
  const now = Number((opts.currentTimeNs ?? nowNs) / 1_000_000n);
  const timeOK = (c: ChainCert) => now >= Date.parse(c.x509.validFrom) && now <= Date.parse(c.x509.validTo);
  const wanted = opts.keyUsages.length ? opts.keyUsages : [1 /* ServerAuth */];
  const ekuOK = (c: ChainCert) => {
    const { extKeyUsage, unknownExtKeyUsage } = c.facts;
    if (extKeyUsage.length === 0 && unknownExtKeyUsage.length === 0) return true;
    if (extKeyUsage.includes(0) || wanted.includes(0)) return true;
    return wanted.some((u) => extKeyUsage.includes(u));
  };
  const issues = (issuer: ChainCert, child: ChainCert) => {
    try {
      return child.x509.checkIssued(issuer.x509) && child.x509.verify(issuer.x509.publicKey);
    } catch {
      return false;
    }
  };
  if (!timeOK(leaf) || !ekuOK(leaf)) return undefined;
  if (opts.dnsName !== '' && leaf.x509.checkHost(opts.dnsName) === undefined) return undefined;

  const search = (child: ChainCert, chain: ChainCert[], depth: number): ChainCert[] | undefined => {
    if (depth > 10) return undefined;
    const rootOK = root.x509.fingerprint256 === child.x509.fingerprint256;
    if (rootOK) return chain;
    for (const candidate of [root, ...pool]) {
      if (chain.includes(candidate)) continue;
      if (!issues(candidate, child)) continue;
      if (!timeOK(candidate) || !ekuOK(candidate)) continue;
      if (!candidate.facts.basicConstraintsValid || !candidate.facts.isCA) continue;
      const found = search(candidate, [...chain, candidate], depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  const chain = search(leaf, [leaf], 0);
  return chain?.map((c) => c.parsed);
}

function parseAndVerify(name: string, input: string, opts: VerifyOptions, ctx: BuiltinContext, withURIStrings: boolean): Value {
  let certs: ParsedCert[];
  try {
    certs = certsFromString(input);
  } catch {
    return [false, []];
  }
  const chain = guarded(name, () => verifyChain(certs, opts, ctx.nowNs));
  if (!chain) return [false, []];
  return [true, certsValue(chain, withURIStrings)];
}

// ---------------------------------------------------------------------------------------------
// Private keys

const bigFromB64url = (s: string | undefined): bigint => {
  const hex = Buffer.from(s ?? '', 'base64url').toString('hex');
  return hex === '' ? 0n : BigInt('0x' + hex);
};

/** Go's encoding/json of *rsa.PrivateKey, *ecdsa.PrivateKey or ed25519.PrivateKey. */
function privateKeyJSON(key: KeyObject): unknown {
  const jwk = key.export({ format: 'jwk' });
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return {
        N: bigFromB64url(jwk.n),
        E: bigFromB64url(jwk.e),
        D: bigFromB64url(jwk.d),
        Primes: [bigFromB64url(jwk.p), bigFromB64url(jwk.q)],
        Precomputed: { Dp: bigFromB64url(jwk.dp), Dq: bigFromB64url(jwk.dq), Qinv: bigFromB64url(jwk.qi), CRTValues: [] },
      };
    case 'ec':
      return { Curve: {}, X: bigFromB64url(jwk.x), Y: bigFromB64url(jwk.y), D: bigFromB64url(jwk.d) };
    case 'ed25519':
      return Buffer.concat([Buffer.from(jwk.d!, 'base64url'), Buffer.from(jwk.x!, 'base64url')]).toString('base64');
  }
  return null;
}

const PRIVATE_KEY_FORMATS: Record<string, { type: 'pkcs1' | 'pkcs8' | 'sec1' }> = {
  'RSA PRIVATE KEY': { type: 'pkcs1' },
  'PRIVATE KEY': { type: 'pkcs8' },
  'EC PRIVATE KEY': { type: 'sec1' },
};

/** OPA's getPrivateKeysFromPEMData. */
function privateKeysFromPEM(data: string): KeyObject[] {
  try {
    data = goBase64Decode(data).toString('utf8');
  } catch {
    // not base64: use as is
  }
  const keys: KeyObject[] = [];
  let rest = data;
  while (rest.length > 0) {
    const before = rest.length;
    const { block, rest: next } = pemDecode(rest);
    rest = block ? next : rest;
    if (!block && rest.length === 0) break;
    if (before === rest.length) break;
    if (!block) continue;
    const format = PRIVATE_KEY_FORMATS[block.type];
    if (!format) continue;
    try {
      keys.push(createPrivateKey({ key: block.bytes, format: 'der', type: format.type }));
    } catch (e) {
      throw new CryptoFailure(`x509: failed to parse private key: ${(e as Error).message}`);
    }
  }
  return keys;
}

/** tls.X509KeyPair as JSON (Go's tls.Certificate). */
function keyPairValue(certText: string, keyText: string): Value {
  let certPEM = certText;
  let keyPEM = keyText;
  if (!certPEM.startsWith('-----BEGIN ')) certPEM = goBase64Decode(certPEM).toString('latin1');
  if (!keyPEM.startsWith('-----BEGIN ')) keyPEM = goBase64Decode(keyPEM).toString('latin1');
  if (!certPEM.startsWith('-----BEGIN ')) certPEM = pemEncode('CERTIFICATE', Buffer.from(certPEM, 'latin1'));
  if (!keyPEM.startsWith('-----BEGIN')) keyPEM = pemEncode('PRIVATE KEY', Buffer.from(keyPEM, 'latin1'));

  const ders: Buffer[] = [];
  let rest = certPEM;
  for (;;) {
    const { block, rest: next } = pemDecode(rest);
    if (!block) break;
    if (block.type === 'CERTIFICATE') ders.push(block.bytes);
    rest = next;
  }
  if (ders.length === 0) throw new CryptoFailure('tls: failed to find any PEM data in certificate input');

  let keyBlock: { type: string; bytes: Buffer } | undefined;
  rest = keyPEM;
  for (;;) {
    const { block, rest: next } = pemDecode(rest);
    if (!block) break;
    if (block.type === 'PRIVATE KEY' || block.type.endsWith(' PRIVATE KEY')) {
      keyBlock = block;
      break;
    }
    rest = next;
  }
  if (!keyBlock) throw new CryptoFailure('tls: failed to find any PEM data in key input');

  const leaf = parseCertificatesDER(ders[0]!)[0]!;
  let key: KeyObject | undefined;
  for (const type of ['pkcs1', 'pkcs8', 'sec1'] as const) {
    try {
      key = createPrivateKey({ key: keyBlock.bytes, format: 'der', type });
      break;
    } catch {
      // try the next encoding, as Go's parsePrivateKey does
    }
  }
  if (!key) throw new CryptoFailure('tls: failed to parse private key');
  const certPub = new X509Certificate(ders[0]!).publicKey.export({ format: 'der', type: 'spki' });
  const keyPub = createPublicKey(key).export({ format: 'der', type: 'spki' });
  if (!certPub.equals(keyPub)) throw new CryptoFailure('tls: private key does not match public key');

  const leafJSON = certificateJSON(leaf).json;
  delete leafJSON.URIStrings;
  return fromJSON({
    Certificate: ders.map((d) => d.toString('base64')),
    PrivateKey: privateKeyJSON(key),
    SupportedSignatureAlgorithms: null,
    OCSPStaple: null,
    SignedCertificateTimestamps: null,
    Leaf: leafJSON,
  });
}

// ---------------------------------------------------------------------------------------------

export const cryptoBuiltins: BuiltinDef[] = [
  { name: 'crypto.md5', arity: 1, impl: digest('md5') },
  { name: 'crypto.sha1', arity: 1, impl: digest('sha1') },
  { name: 'crypto.sha256', arity: 1, impl: digest('sha256') },
  { name: 'crypto.hmac.md5', arity: 2, impl: hmac('md5') },
  { name: 'crypto.hmac.sha1', arity: 2, impl: hmac('sha1') },
  { name: 'crypto.hmac.sha256', arity: 2, impl: hmac('sha256') },
  { name: 'crypto.hmac.sha512', arity: 2, impl: hmac('sha512') },
  {
    name: 'crypto.hmac.equal',
    arity: 2,
    impl: (args) => {
      const a = Buffer.from(stringArg('crypto.hmac.equal', args, 0), 'utf8');
      const b = Buffer.from(stringArg('crypto.hmac.equal', args, 1), 'utf8');
      return a.length === b.length && timingSafeEqual(a, b);
    },
  },
  {
    name: 'crypto.x509.parse_certificates',
    arity: 1,
    impl: (args) => {
      const name = 'crypto.x509.parse_certificates';
      const input = stringArg(name, args, 0);
      return guarded(name, () => certsValue(certsFromString(input), true));
    },
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates',
    arity: 1,
    impl: (args, ctx) => {
      const name = 'crypto.x509.parse_and_verify_certificates';
      const input = stringArg(name, args, 0);
      return parseAndVerify(name, input, { dnsName: '', currentTimeNs: undefined, keyUsages: [] }, ctx, true);
    },
  },
  {
    name: 'crypto.x509.parse_and_verify_certificates_with_options',
    arity: 2,
    impl: (args, ctx) => {
      const name = 'crypto.x509.parse_and_verify_certificates_with_options';
      const input = stringArg(name, args, 0);
      const options = objectArg(name, args, 1);
      let certs: ParsedCert[];
      try {
        certs = certsFromString(input);
      } catch {
        return [false, []];
      }
      const opts = verifyOptions(name, options);
      const chain = guarded(name, () => verifyChain(certs, opts, ctx.nowNs));
      if (!chain) return [false, []];
      return [true, certsValue(chain, false)];
    },
  },
  {
    name: 'crypto.x509.parse_certificate_request',
    arity: 1,
    impl: (args) => {
      const name = 'crypto.x509.parse_certificate_request';
      const input = stringArg(name, args, 0);
      return guarded(name, () => {
        let bytes: Buffer = Buffer.from(input, 'utf8');
        if (!input.startsWith('-----BEGIN CERTIFICATE REQUEST-----')) bytes = goBase64Decode(input);
        const { block } = pemDecode(bytes.toString('latin1'));
        if (block && block.type !== 'CERTIFICATE REQUEST') throw new CryptoFailure('invalid PEM-encoded certificate signing request');
        if (block) bytes = block.bytes;
        return certificateRequestValue(bytes);
      });
    },
  },
  {
    name: 'crypto.x509.parse_keypair',
    arity: 2,
    impl: (args) => {
      const name = 'crypto.x509.parse_keypair';
      const cert = stringArg(name, args, 0);
      const key = stringArg(name, args, 1);
      return guarded(name, () => keyPairValue(cert, key));
    },
  },
  {
    name: 'crypto.x509.parse_rsa_private_key',
    arity: 1,
    impl: (args) => {
      const name = 'crypto.x509.parse_rsa_private_key';
      let input = stringArg(name, args, 0);
      return guarded(name, () => {
        if (input === '') throw new CryptoFailure('input PEM data was empty');
        if (!input.startsWith('-----BEGIN')) input = goBase64Decode(input).toString('utf8');
        const keys = privateKeysFromPEM(input);
        if (keys.length === 0) return null;
        return fromJSON(keys[0]!.export({ format: 'jwk' }));
      });
    },
  },
  {
    name: 'crypto.parse_private_keys',
    arity: 1,
    impl: (args) => {
      const name = 'crypto.parse_private_keys';
      const input = stringArg(name, args, 0);
      if (input === '') return null;
      return guarded(name, () => privateKeysFromPEM(input).map((k) => fromJSON(privateKeyJSON(k))));
    },
  },
];


