import { describe, expect, it } from 'vitest';
import { cutIntoChunks, isHighSurrogate, isLowSurrogate, MAX_CHUNK_BYTES } from './chunking.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function expectWellCut(text: string, maxBytes: number, chunks: string[]) {
  expect(chunks.join('')).toBe(text);
  for (const c of chunks) {
    expect(c.length).toBeGreaterThan(0);
    expect(bytes(c)).toBeLessThanOrEqual(maxBytes);
    expect(isLowSurrogate(c.charCodeAt(0))).toBe(false);
  }
  for (const c of chunks.slice(0, -1)) expect(isHighSurrogate(c.charCodeAt(c.length - 1))).toBe(false);
}

// Deterministic pseudo-random numbers so a failure can be reproduced.
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('cutIntoChunks', () => {
  it('keeps short text whole and returns nothing for empty text', () => {
    expect(cutIntoChunks('hello\n', 64, false)).toEqual({ chunks: ['hello\n'], rest: '' });
    expect(cutIntoChunks('', 64, false)).toEqual({ chunks: [], rest: '' });
  });

  it('cuts ASCII at exactly maxBytes', () => {
    const text = 'a'.repeat(MAX_CHUNK_BYTES * 2 + 10);
    const { chunks } = cutIntoChunks(text, MAX_CHUNK_BYTES, false);
    expect(chunks.map((c) => c.length)).toEqual([MAX_CHUNK_BYTES, MAX_CHUNK_BYTES, 10]);
  });

  it('cuts multi-byte text on code point boundaries by UTF-8 size', () => {
    const text = '€'.repeat(10); // 3 bytes each
    const { chunks } = cutIntoChunks(text, 8, false);
    expect(chunks).toEqual(['€€', '€€', '€€', '€€', '€€']);
    expectWellCut(text, 8, chunks);
  });

  it('never splits a surrogate pair', () => {
    const text = `ab${'🚀'.repeat(5)}`; // 2 + 5×4 bytes
    const { chunks } = cutIntoChunks(text, 5, false);
    expect(chunks).toEqual(['ab', '🚀', '🚀', '🚀', '🚀', '🚀']);
    // The window boundary (maxBytes units) falls between the halves of a pair.
    const long = 'x'.repeat(7) + '🚀' + 'y'.repeat(20);
    const cut = cutIntoChunks(long, 8, false).chunks;
    expect(cut[0]).toBe('xxxxxxx');
    expectWellCut(long, 8, cut);
  });

  it('holds back a trailing high surrogate only when asked', () => {
    const rocket = '🚀';
    const text = `log ${rocket[0]}`;
    expect(cutIntoChunks(text, 64, true)).toEqual({ chunks: ['log '], rest: rocket[0] });
    expect(cutIntoChunks(text, 64, false)).toEqual({ chunks: [text], rest: '' });
    expect(cutIntoChunks(rocket[0]!, 64, true)).toEqual({ chunks: [], rest: rocket[0] });
  });

  it('keeps ANSI escapes intact in small pieces', () => {
    const text = '\u001b[1m\u001b[32mPlan:\u001b[0m 1 to add, 0 to change\n';
    expect(cutIntoChunks(text, MAX_CHUNK_BYTES, false).chunks).toEqual([text]);
  });

  it('cuts random mixed text correctly for many sizes', () => {
    const random = prng(42);
    const alphabet = ['a', '\n', 'é', '日', '🚀', '👩‍👩‍👧', '\u001b[31m', '\r\n', '\t', '\u{10FFFF}'];
    for (let round = 0; round < 200; round++) {
      let text = '';
      const n = Math.floor(random() * 400);
      for (let i = 0; i < n; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      const maxBytes = 4 + Math.floor(random() * 60);
      const { chunks, rest } = cutIntoChunks(text, maxBytes, false);
      expect(rest).toBe('');
      expectWellCut(text, maxBytes, chunks);
    }
  });

  it('rejects a limit below one code point', () => {
    expect(() => cutIntoChunks('abc', 3, false)).toThrow(/at least 4/);
    expect(() => cutIntoChunks('abc', 4.5, false)).toThrow(/integer/);
  });
});
