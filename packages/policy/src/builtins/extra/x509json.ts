// X.509 certificates and certificate requests rendered the way OPA returns them: Go's
// crypto/x509 structs passed through encoding/json (exported field names, []byte as base64,
// big.Int as numbers, nil slices as null). Parsing uses @peculiar/asn1-x509 / asn1-csr.

import { createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CertificatePolicies,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  Extension,
  Extensions as ExtensionsSeq,
  KeyUsage,
  Name,
  NameConstraints,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  type GeneralName,
} from '@peculiar/asn1-x509';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { fromJSON, type Value } from '../../value.ts';

export class X509Error extends Error {}

const b64 = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('base64');
const oidInts = (oid: string): number[] => oid.split('.').map(Number);
const bigFromBytes = (b: ArrayBuffer | Uint8Array): bigint => {
  const hex = Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');
  return hex === '' ? 0n : BigInt('0x' + hex);
};

/** Parsed certificate plus the fields OPA's verification logic needs. */
export interface ParsedCert {
  der: Buffer;
  cert: Certificate;
}

export function parseCertificatesDER(der: Buffer): ParsedCert[] {
  // x509.ParseCertificates: a concatenation of DER certificates.
  const out: ParsedCert[] = [];
  let off = 0;
  while (off < der.length) {
    const len = derElementLength(der, off);
    if (len === undefined || off + len > der.length) throw new X509Error('x509: malformed certificate');
    const one = der.subarray(off, off + len);
    let cert: Certificate;
    try {
      cert = AsnConvert.parse(one, Certificate);
    } catch {
      throw new X509Error('x509: malformed certificate');
    }
    out.push({ der: Buffer.from(one), cert });
    off += len;
  }
  return out;
}

/** Total length (header + content) of the DER element at `off`, if well-formed. */
function derElementLength(b: Buffer, off: number): number | undefined {
  if (off + 2 > b.length || b[off] !== 0x30) return undefined;
  const first = b[off + 1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || off + 2 + n > b.length) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[off + 2 + i]!;
  return 2 + n + len;
}

// ---------------------------------------------------------------------------------------------

const NAME_FIELDS: Record<string, string> = {
  '2.5.4.6': 'Country',
  '2.5.4.10': 'Organization',
  '2.5.4.11': 'OrganizationalUnit',
  '2.5.4.7': 'Locality',
  '2.5.4.8': 'Province',
  '2.5.4.9': 'StreetAddress',
  '2.5.4.17': 'PostalCode',
};

/** pkix.Name as Go fills it from an RDN sequence. */
function nameJSON(name: Name): Record<string, unknown> {
  const lists: Record<string, string[]> = {};
  let serial = '';
  let cn = '';
  const names: unknown[] = [];
  for (const rdn of name) {
    for (const atv of rdn) {
      const value = atv.value.anyValue ? null : atv.value.toString();
      names.push({ Type: oidInts(atv.type), Value: value });
      if (value === null) continue;
      const field = NAME_FIELDS[atv.type];
      if (field) (lists[field] ??= []).push(value);
      else if (atv.type === '2.5.4.5') serial = value;
      else if (atv.type === '2.5.4.3') cn = value;
    }
  }
  return {
    Country: lists.Country ?? null,
    Organization: lists.Organization ?? null,
    OrganizationalUnit: lists.OrganizationalUnit ?? null,
    Locality: lists.Locality ?? null,
    Province: lists.Province ?? null,
    StreetAddress: lists.StreetAddress ?? null,
    PostalCode: lists.PostalCode ?? null,
    SerialNumber: serial,
    CommonName: cn,
    Names: names.length ? names : null,
    ExtraNames: null,
  };
}

const SIG_ALGS: Record<string, number> = {
  '1.2.840.113549.1.1.2': 1, // MD2WithRSA
  '1.2.840.113549.1.1.4': 2, // MD5WithRSA
  '1.2.840.113549.1.1.5': 3, // SHA1WithRSA
  '1.2.840.113549.1.1.11': 4, // SHA256WithRSA
  '1.2.840.113549.1.1.12': 5, // SHA384WithRSA
  '1.2.840.113549.1.1.13': 6, // SHA512WithRSA
  '1.2.840.10040.4.3': 7, // DSAWithSHA1
  '2.16.840.1.101.3.4.3.2': 8, // DSAWithSHA256
  '1.2.840.10045.4.1': 9, // ECDSAWithSHA1
  '1.2.840.10045.4.3.2': 10, // ECDSAWithSHA256
  '1.2.840.10045.4.3.3': 11, // ECDSAWithSHA384
  '1.2.840.10045.4.3.4': 12, // ECDSAWithSHA512
  '1.3.101.112': 16, // PureEd25519
};
const PSS_HASHES: Record<string, number> = { '2.16.840.1.101.3.4.2.1': 13, '2.16.840.1.101.3.4.2.2': 14, '2.16.840.1.101.3.4.2.3': 15 };

function signatureAlgorithm(oid: string, params: ArrayBuffer | null | undefined): number {
  if (oid === '1.2.840.113549.1.1.10') {
    // RSASSA-PSS: the hash OID sits inside the parameters; find which one is present.
    const hex = params ? Buffer.from(new Uint8Array(params)).toString('hex') : '';
    for (const [hashOid, code] of Object.entries(PSS_HASHES)) {
      const last = hashOid.split('.').pop()!;
      if (hex.includes('0609608648016503040' + Number(last).toString(16))) return code;
    }
    return 0;
  }
  return SIG_ALGS[oid] ?? 0;
}

const PK_ALGS: Record<string, number> = { '1.2.840.113549.1.1.1': 1, '1.2.840.10040.4.1': 2, '1.2.840.10045.2.1': 3, '1.3.101.112': 4 };

/** Go's JSON of the parsed public key (rsa.PublicKey, ecdsa.PublicKey, ed25519.PublicKey). */
function publicKeyJSON(spki: SubjectPublicKeyInfo): unknown {
  const der = Buffer.from(AsnConvert.serialize(spki));
  try {
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    const jwk = key.export({ format: 'jwk' });
    const big = (s: string | undefined) => (s ? bigFromBytes(Buffer.from(s, 'base64url')) : 0n);
    switch (key.asymmetricKeyType) {
      case 'rsa':
        return { N: big(jwk.n), E: big(jwk.e) };
      case 'ec':
        return { Curve: {}, X: big(jwk.x), Y: big(jwk.y) };
      case 'ed25519':
        return b64(Buffer.from(jwk.x!, 'base64url'));
    }
  } catch {
    // Unsupported key types marshal as null.
  }
  return null;
}

const EXT_KEY_USAGES: Record<string, number> = {
  '2.5.29.37.0': 0,
  '1.3.6.1.5.5.7.3.1': 1,
  '1.3.6.1.5.5.7.3.2': 2,
  '1.3.6.1.5.5.7.3.3': 3,
  '1.3.6.1.5.5.7.3.4': 4,
  '1.3.6.1.5.5.7.3.5': 5,
  '1.3.6.1.5.5.7.3.6': 6,
  '1.3.6.1.5.5.7.3.7': 7,
  '1.3.6.1.5.5.7.3.8': 8,
  '1.3.6.1.5.5.7.3.9': 9,
  '1.3.6.1.4.1.311.10.3.3': 10,
  '2.16.840.1.113730.4.1': 11,
  '1.3.6.1.4.1.311.2.1.22': 12,
  '1.3.6.1.4.1.311.61.1.1': 13,
};

/** Go's url.URL as JSON (a subset parse of RFC 3986 references, enough for SAN URIs). */
export function urlJSON(raw: string): Record<string, unknown> {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/.exec(raw);
  const out = {
    Scheme: '',
    Opaque: '',
    User: null as unknown,
    Host: '',
    Path: '',
    RawPath: '',
    OmitHost: false,
    ForceQuery: false,
    RawQuery: '',
    Fragment: '',
    RawFragment: '',
  };
  let rest = raw;
  if (m) {
    out.Scheme = m[1]!.toLowerCase();
    rest = m[2]!;
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    out.Fragment = decodeURIComponentSafe(rest.slice(hash + 1));
    rest = rest.slice(0, hash);
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    out.RawQuery = rest.slice(q + 1);
    out.ForceQuery = out.RawQuery === '';
    rest = rest.slice(0, q);
  }
  if (m && !rest.startsWith('/')) {
    out.Opaque = rest;
    return out;
  }
  if (rest.startsWith('//')) {
    rest = rest.slice(2);
    const slash = rest.indexOf('/');
    let authority = slash >= 0 ? rest.slice(0, slash) : rest;
    rest = slash >= 0 ? rest.slice(slash) : '';
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(':');
      out.User = colon >= 0 ? {} : {};
      authority = authority.slice(at + 1);
    }
    out.Host = authority;
  }
  out.Path = decodeURIComponentSafe(rest);
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

interface SANs {
  DNSNames: string[] | null;
  EmailAddresses: string[] | null;
  IPAddresses: string[] | null;
  URIs: string[] | null;
}

function sansFrom(names: GeneralName[]): SANs {
  const dns: string[] = [];
  const email: string[] = [];
  const ips: string[] = [];
  const uris: string[] = [];
  for (const n of names) {
    if (n.dNSName !== undefined) dns.push(n.dNSName);
    else if (n.rfc822Name !== undefined) email.push(n.rfc822Name);
    else if (n.iPAddress !== undefined) ips.push(n.iPAddress);
    else if (n.uniformResourceIdentifier !== undefined) uris.push(n.uniformResourceIdentifier);
  }
  const orNull = <T>(a: T[]) => (a.length ? a : null);
  return { DNSNames: orNull(dns), EmailAddresses: orNull(email), IPAddresses: orNull(ips), URIs: orNull(uris) };
}

function extensionJSON(e: Extension) {
  return { Id: oidInts(e.extnID), Critical: e.critical, Value: b64(e.extnValue.buffer) };
}

const isoTime = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');

/** The extra facts about a certificate that chain verification needs. */
export interface CertFacts {
  isCA: boolean;
  basicConstraintsValid: boolean;
  extKeyUsage: number[];
  unknownExtKeyUsage: string[];
  dnsNames: string[];
}

/** x509.Certificate as JSON, plus OPA's URIStrings. */
export function certificateJSON(p: ParsedCert): { json: Record<string, unknown>; facts: CertFacts } {
  const c = p.cert;
  const tbs = c.tbsCertificate;
  const exts = tbs.extensions ?? [];
  const j: Record<string, unknown> = {
    Raw: b64(p.der),
    RawTBSCertificate: b64(AsnConvert.serialize(tbs)),
    RawSubjectPublicKeyInfo: b64(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    RawSubject: b64(AsnConvert.serialize(tbs.subject)),
    RawIssuer: b64(AsnConvert.serialize(tbs.issuer)),
    Signature: b64(c.signatureValue),
    SignatureAlgorithm: signatureAlgorithm(c.signatureAlgorithm.algorithm, c.signatureAlgorithm.parameters),
    PublicKeyAlgorithm: PK_ALGS[tbs.subjectPublicKeyInfo.algorithm.algorithm] ?? 0,
    PublicKey: publicKeyJSON(tbs.subjectPublicKeyInfo),
    Version: tbs.version + 1,
    SerialNumber: bigFromBytes(tbs.serialNumber),
    Issuer: nameJSON(tbs.issuer),
    Subject: nameJSON(tbs.subject),
    NotBefore: isoTime(tbs.validity.notBefore.getTime()),
    NotAfter: isoTime(tbs.validity.notAfter.getTime()),
    KeyUsage: 0,
    Extensions: exts.length ? exts.map(extensionJSON) : null,
    ExtraExtensions: null,
    UnhandledCriticalExtensions: null,
    ExtKeyUsage: null,
    UnknownExtKeyUsage: null,
    BasicConstraintsValid: false,
    IsCA: false,
    MaxPathLen: 0,
    MaxPathLenZero: false,
    SubjectKeyId: null,
    AuthorityKeyId: null,
    OCSPServer: null,
    IssuingCertificateURL: null,
    DNSNames: null,
    EmailAddresses: null,
    IPAddresses: null,
    URIs: null,
    PermittedDNSDomainsCritical: false,
    PermittedDNSDomains: null,
    ExcludedDNSDomains: null,
    PermittedIPRanges: null,
    ExcludedIPRanges: null,
    PermittedEmailAddresses: null,
    ExcludedEmailAddresses: null,
    PermittedURIDomains: null,
    ExcludedURIDomains: null,
    CRLDistributionPoints: null,
    PolicyIdentifiers: null,
    Policies: null,
    InhibitAnyPolicy: 0,
    InhibitAnyPolicyZero: false,
    InhibitPolicyMapping: 0,
    InhibitPolicyMappingZero: false,
    RequireExplicitPolicy: 0,
    RequireExplicitPolicyZero: false,
    PolicyMappings: null,
    URIStrings: null,
  };
  const facts: CertFacts = { isCA: false, basicConstraintsValid: false, extKeyUsage: [], unknownExtKeyUsage: [], dnsNames: [] };
  const unhandled: number[][] = [];
  for (const e of exts) {
    const value = e.extnValue.buffer;
    try {
      switch (e.extnID) {
        case '2.5.29.15': {
          const ku = AsnConvert.parse(value, KeyUsage);
          // Go numbers bits from the most significant bit of the first byte.
          const raw = new Uint8Array(ku.value);
          let usage = 0;
          for (let i = 0; i < 9; i++) {
            const byte = raw[i >> 3] ?? 0;
            if (byte & (0x80 >> (i & 7))) usage |= 1 << i;
          }
          j.KeyUsage = usage;
          break;
        }
        case '2.5.29.19': {
          const bc = AsnConvert.parse(value, BasicConstraints);
          j.BasicConstraintsValid = true;
          j.IsCA = bc.cA;
          facts.basicConstraintsValid = true;
          facts.isCA = bc.cA;
          if (bc.pathLenConstraint === undefined) j.MaxPathLen = -1;
          else {
            j.MaxPathLen = bc.pathLenConstraint;
            j.MaxPathLenZero = bc.pathLenConstraint === 0;
          }
          break;
        }
        case '2.5.29.37': {
          const eku = AsnConvert.parse(value, ExtendedKeyUsage);
          const known: number[] = [];
          const unknown: number[][] = [];
          for (const oid of eku) {
            const code = EXT_KEY_USAGES[oid];
            if (code !== undefined) known.push(code);
            else {
              unknown.push(oidInts(oid));
              facts.unknownExtKeyUsage.push(oid);
            }
          }
          j.ExtKeyUsage = known.length ? known : null;
          j.UnknownExtKeyUsage = unknown.length ? unknown : null;
          facts.extKeyUsage = known;
          break;
        }
        case '2.5.29.17': {
          const sans = sansFrom([...AsnConvert.parse(value, SubjectAlternativeName)]);
          Object.assign(j, sans);
          facts.dnsNames = sans.DNSNames ?? [];
          if (sans.URIs) {
            j.URIStrings = sans.URIs;
            j.URIs = sans.URIs.map(urlJSON);
          }
          break;
        }
        case '2.5.29.14':
          j.SubjectKeyId = b64(AsnConvert.parse(value, SubjectKeyIdentifier).buffer);
          break;
        case '2.5.29.35': {
          const aki = AsnConvert.parse(value, AuthorityKeyIdentifier);
          if (aki.keyIdentifier) j.AuthorityKeyId = b64(aki.keyIdentifier.buffer);
          break;
        }
        case '1.3.6.1.5.5.7.1.1': {
          const aia = AsnConvert.parse(value, AuthorityInfoAccessSyntax);
          const ocsp: string[] = [];
          const issuers: string[] = [];
          for (const ad of aia) {
            const uri = ad.accessLocation.uniformResourceIdentifier;
            if (uri === undefined) continue;
            if (ad.accessMethod === '1.3.6.1.5.5.7.48.1') ocsp.push(uri);
            else if (ad.accessMethod === '1.3.6.1.5.5.7.48.2') issuers.push(uri);
          }
          j.OCSPServer = ocsp.length ? ocsp : null;
          j.IssuingCertificateURL = issuers.length ? issuers : null;
          break;
        }
        case '2.5.29.31': {
          const dps = AsnConvert.parse(value, CRLDistributionPoints);
          const urls: string[] = [];
          for (const dp of dps) {
            for (const gn of dp.distributionPoint?.fullName ?? []) {
              if (gn.uniformResourceIdentifier !== undefined) urls.push(gn.uniformResourceIdentifier);
            }
          }
          j.CRLDistributionPoints = urls.length ? urls : null;
          break;
        }
        case '2.5.29.32': {
          const policies = AsnConvert.parse(value, CertificatePolicies);
          j.PolicyIdentifiers = policies.map((pi) => oidInts(pi.policyIdentifier));
          j.Policies = policies.map((pi) => pi.policyIdentifier);
          break;
        }
        case '2.5.29.30': {
          const nc = AsnConvert.parse(value, NameConstraints);
          j.PermittedDNSDomainsCritical = e.critical;
          const pick = (subtrees: { base: GeneralName }[] | undefined, get: (g: GeneralName) => string | undefined) => {
            const out = (subtrees ?? []).map((s) => get(s.base)).filter((x): x is string => x !== undefined);
            return out.length ? out : null;
          };
          j.PermittedDNSDomains = pick(nc.permittedSubtrees, (g) => g.dNSName);
          j.ExcludedDNSDomains = pick(nc.excludedSubtrees, (g) => g.dNSName);
          j.PermittedEmailAddresses = pick(nc.permittedSubtrees, (g) => g.rfc822Name);
          j.ExcludedEmailAddresses = pick(nc.excludedSubtrees, (g) => g.rfc822Name);
          j.PermittedURIDomains = pick(nc.permittedSubtrees, (g) => g.uniformResourceIdentifier);
          j.ExcludedURIDomains = pick(nc.excludedSubtrees, (g) => g.uniformResourceIdentifier);
          break;
        }
        default:
          if (e.critical) unhandled.push(oidInts(e.extnID));
      }
    } catch {
      throw new X509Error(`x509: malformed extension ${e.extnID}`);
    }
  }
  if (unhandled.length) j.UnhandledCriticalExtensions = unhandled;
  return { json: j, facts };
}

export function certificateValue(p: ParsedCert): Value {
  return fromJSON(certificateJSON(p).json);
}

// ---------------------------------------------------------------------------------------------

/** x509.ParseCertificateRequest as JSON. */
export function certificateRequestValue(der: Buffer): Value {
  let csr: CertificationRequest;
  try {
    csr = AsnConvert.parse(der, CertificationRequest);
  } catch (e) {
    throw new X509Error(`asn1: structure error: ${(e as Error).message}`);
  }
  const info = csr.certificationRequestInfo;
  const extensions: Extension[] = [];
  const attributes: unknown[] = [];
  for (const attr of info.attributes) {
    if (attr.type === '1.2.840.113549.1.9.14') {
      for (const v of attr.values) {
        try {
          const exts = AsnConvert.parse(v, ExtensionsSeq);
          extensions.push(...exts);
        } catch {
          // Go skips attributes it cannot read as extensions.
        }
      }
    }
    attributes.push({ Type: oidInts(attr.type), Value: null });
  }
  let sans: SANs = { DNSNames: null, EmailAddresses: null, IPAddresses: null, URIs: null };
  for (const e of extensions) {
    if (e.extnID === '2.5.29.17') sans = sansFrom([...AsnConvert.parse(e.extnValue.buffer, SubjectAlternativeName)]);
  }
  const j = {
    Raw: b64(der),
    RawTBSCertificateRequest: b64(AsnConvert.serialize(info)),
    RawSubjectPublicKeyInfo: b64(AsnConvert.serialize(info.subjectPKInfo)),
    RawSubject: b64(AsnConvert.serialize(info.subject)),
    Version: info.version,
    Signature: b64(csr.signature),
    SignatureAlgorithm: signatureAlgorithm(csr.signatureAlgorithm.algorithm, csr.signatureAlgorithm.parameters),
    PublicKeyAlgorithm: PK_ALGS[info.subjectPKInfo.algorithm.algorithm] ?? 0,
    PublicKey: publicKeyJSON(info.subjectPKInfo),
    Subject: nameJSON(info.subject),
    Attributes: attributes.length ? attributes : null,
    Extensions: extensions.length ? extensions.map(extensionJSON) : null,
    ExtraExtensions: null,
    DNSNames: sans.DNSNames,
    EmailAddresses: sans.EmailAddresses,
    IPAddresses: sans.IPAddresses,
    URIs: sans.URIs ? sans.URIs.map(urlJSON) : null,
  };
  return fromJSON(j);
}
