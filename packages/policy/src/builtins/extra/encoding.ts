// Byte encodings with Go's exact acceptance rules and error texts: encoding/base64 (standard and
// URL alphabets, padded), OPA's lenient base64url decoding, and encoding/pem's Decode.

import { goBase64Decode as decodeBase64, opaBase64UrlDecode as decodeBase64Url } from '../core/encoding.ts';

export class EncodingError extends Error {}

// The decoding itself is core's (base64.decode and friends use it too); these throw its errors.

const toBuffer = (r: Uint8Array | string): Buffer => {
  if (typeof r === 'string') throw new EncodingError(r);
  return Buffer.from(r.buffer, r.byteOffset, r.length);
};

/**
 * Go's base64.{Std,URL}Encoding.DecodeString: padding required, CR/LF ignored, errors report the
 * byte offset of the first bad input byte.
 */
export const goBase64Decode = (input: string | Uint8Array, url = false): Buffer => toBuffer(decodeBase64(input, url));

/** OPA's base64url.decode: restores missing padding (RFC 7515 appendix C), then decodes strictly. */
export const opaBase64UrlDecode = (s: string): Buffer => toBuffer(decodeBase64Url(s));

export const base64UrlNoPad = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

// ---------------------------------------------------------------------------------------------
// PEM (Go's encoding/pem.Decode)

export interface PemBlock {
  type: string;
  headers: Map<string, string>;
  bytes: Buffer;
}

function getLine(data: string): [string, string] {
  const i = data.indexOf('\n');
  let line: string;
  let rest: string;
  if (i < 0) {
    line = data;
    rest = '';
  } else {
    line = data.slice(0, i);
    rest = data.slice(i + 1);
  }
  return [line.replace(/[ \t\r]+$/, ''), rest];
}

/** Decodes the first PEM block in `data`; returns null (and the input as rest) if there is none. */
export function pemDecode(data: string): { block: PemBlock | null; rest: string } {
  let rest = data;
  for (;;) {
    if (rest.startsWith('-----BEGIN ')) rest = rest.slice('-----BEGIN '.length);
    else {
      const i = rest.indexOf('\n-----BEGIN ');
      if (i < 0) return { block: null, rest: data };
      rest = rest.slice(i + '\n-----BEGIN '.length);
    }
    let typeLine: string;
    [typeLine, rest] = getLine(rest);
    if (!typeLine.endsWith('-----')) continue;
    typeLine = typeLine.slice(0, -5);
    const headers = new Map<string, string>();
    let truncated = false;
    for (;;) {
      if (rest.length === 0) {
        truncated = true;
        break;
      }
      const [line, next] = getLine(rest);
      const c = line.indexOf(':');
      if (c < 0) break;
      headers.set(line.slice(0, c).trim(), line.slice(c + 1).trim());
      rest = next;
    }
    if (truncated) return { block: null, rest: data };
    let endIndex: number;
    let endTrailerIndex: number;
    if (headers.size === 0 && rest.startsWith('-----END ')) {
      endIndex = 0;
      endTrailerIndex = '-----END '.length;
    } else {
      endIndex = rest.indexOf('\n-----END ');
      endTrailerIndex = endIndex + '\n-----END '.length;
    }
    if (endIndex < 0) continue;
    let endTrailer = rest.slice(endTrailerIndex);
    const endTrailerLen = typeLine.length + 5;
    if (endTrailer.length < endTrailerLen) continue;
    const restOfEndLine = endTrailer.slice(endTrailerLen);
    endTrailer = endTrailer.slice(0, endTrailerLen);
    if (!endTrailer.startsWith(typeLine) || !endTrailer.endsWith('-----')) continue;
    if (getLine(restOfEndLine)[0].length !== 0) continue;
    const b64 = rest.slice(0, endIndex).replace(/[ \t\n\r]/g, '');
    let bytes: Buffer;
    try {
      bytes = goBase64Decode(b64);
    } catch {
      continue;
    }
    const after = rest.slice(endIndex + '\n-----END '.length - 1);
    return { block: { type: typeLine, headers, bytes }, rest: getLine(after)[1] };
  }
}

/** Go's pem.Encode for a block without headers. */
export function pemEncode(type: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.map((l) => l + '\n').join('')}-----END ${type}-----\n`;
}
