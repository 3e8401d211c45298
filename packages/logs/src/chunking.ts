// Cutting buffered output into log chunks of bounded UTF-8 size without splitting a code point.

/** Largest UTF-8 size of one chunk (64 KiB). */
export const MAX_CHUNK_BYTES = 64 * 1024;

const encoder = new TextEncoder();
let scratch = new Uint8Array(MAX_CHUNK_BYTES);

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

export interface CutResult {
  /** Pieces of `text` in order, each at most `maxBytes` in UTF-8. */
  readonly chunks: string[];
  /** Text held back: a trailing high surrogate whose low half has not been written yet. */
  readonly rest: string;
}

/**
 * Cuts `text` into pieces of at most `maxBytes` UTF-8 bytes. A piece never ends between the two
 * halves of a surrogate pair. With `holdTrailingHighSurrogate`, a high surrogate at the very end
 * (its low half may come with the next write) is returned as `rest` instead of being emitted, where
 * it would have been encoded as U+FFFD.
 */
export function cutIntoChunks(text: string, maxBytes: number, holdTrailingHighSurrogate: boolean): CutResult {
  if (!Number.isInteger(maxBytes) || maxBytes < 4) {
    throw new RangeError(`maxBytes must be an integer of at least 4 (one code point), got ${maxBytes}`);
  }
  let end = text.length;
  let rest = '';
  if (holdTrailingHighSurrogate && end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) {
    end -= 1;
    rest = text.slice(end);
  }
  // A UTF-16 code unit takes at most 3 UTF-8 bytes (a pair: 2 units, 4 bytes), so short text fits.
  if (end * 3 <= maxBytes) return { chunks: end === 0 ? [] : [text.slice(0, end)], rest };

  if (scratch.length < maxBytes) scratch = new Uint8Array(maxBytes);
  const target = scratch.subarray(0, maxBytes);
  const chunks: string[] = [];
  let pos = 0;
  while (pos < end) {
    // Every code unit takes at least one byte, so a window of maxBytes units always fills a chunk.
    let windowEnd = Math.min(end, pos + maxBytes);
    if (
      windowEnd < text.length &&
      isHighSurrogate(text.charCodeAt(windowEnd - 1)) &&
      isLowSurrogate(text.charCodeAt(windowEnd))
    ) {
      windowEnd -= 1;
    }
    const window = text.slice(pos, windowEnd);
    // encodeInto stops before a code point that does not fit, never inside a surrogate pair.
    const read = window.length * 3 <= maxBytes ? window.length : encoder.encodeInto(window, target).read;
    chunks.push(read === window.length ? window : window.slice(0, read));
    pos += read;
  }
  return { chunks, rest };
}

/** UTF-8 size of a string. */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
