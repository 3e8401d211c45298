// Byte encodings with Go's exact acceptance rules and error texts: encoding/base64 (standard and
// URL alphabets, padded), OPA's lenient base64url decoding, and encoding/pem's Decode.

export class EncodingError extends Error {}

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function decodeMap(alphabet: string): Int16Array {
  const m = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) m[alphabet.charCodeAt(i)] = i;
  return m;
}
const STD_MAP = decodeMap(STD);
const URL_MAP = decodeMap(URL);

const corrupt = (at: number) => new EncodingError(`illegal base64 data at input byte ${at}`);

/**
 * Go's base64.{Std,URL}Encoding.DecodeString: padding required, CR/LF ignored, errors report the
 * byte offset of the first bad input byte.
 */
export function goBase64Decode(input: string | Uint8Array, url = false): Buffer {
  const src = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const map = url ? URL_MAP : STD_MAP;
  const out: number[] = [];
  let si = 0;
  const isNL = (c: number) => c === 0x0a || c === 0x0d;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        // Padding is required: a short final quantum is an error.
        throw corrupt(si - j);
      }
      const c = src[si]!;
      si++;
      const v = map[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNL(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d /* = */) throw corrupt(si - 1);
      // Padding: only valid in the last two positions of a quantum.
      if (j === 0 || j === 1) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && isNL(src[si]!)) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== 0x3d) throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && isNL(src[si]!)) si++;
      if (si < src.length) throw corrupt(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (dlen < 4) break;
  }
  return Buffer.from(out);
}

/** OPA's base64url.decode: restores missing padding (RFC 7515 appendix C), then decodes strictly. */
export function opaBase64UrlDecode(s: string): Buffer {
  if (!s.endsWith('=')) {
    switch (Buffer.byteLength(s, 'utf8') % 4) {
      case 0:
        break;
      case 2:
        s += '==';
        break;
      case 3:
        s += '=';
        break;
      default:
        throw new EncodingError(`illegal base64url string: ${s}`);
    }
  }
  return goBase64Decode(s, true);
}

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
