import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMaskedOutput } from './masked-output.ts';
import { createSecretMasker, SECRET_MASK } from './secret-masker.ts';

/** Streams `chunks` through a fresh masker and returns everything it emitted. */
function streamThrough(secrets: string[], chunks: string[]): string {
  const masker = createSecretMasker(secrets);
  return chunks.map((chunk) => masker.push(chunk)).join('') + masker.flush();
}

/** Reference: mark every character covered by an occurrence, then replace each covered run by one mask. */
function referenceMask(secrets: string[], text: string): string {
  const covered = new Array<boolean>(text.length).fill(false);
  for (const secret of secrets.filter((s) => s.length > 0)) {
    for (let start = text.indexOf(secret); start !== -1; start = text.indexOf(secret, start + 1)) {
      for (let i = start; i < start + secret.length; i += 1) covered[i] = true;
    }
  }
  let output = '';
  for (let i = 0; i < text.length; i += 1) {
    if (!covered[i]) output += text[i];
    else if (i === 0 || !covered[i - 1]) output += SECRET_MASK;
  }
  return output;
}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('createSecretMasker', () => {
  it('masks every occurrence in a single chunk', () => {
    expect(streamThrough(['hunter2'], ['password=hunter2 and again hunter2.'])).toBe(
      'password=***** and again *****.',
    );
  });

  it('passes text through untouched without secrets, and ignores empty secrets', () => {
    const masker = createSecretMasker(['', '']);
    expect(masker.push('plain text')).toBe('plain text');
    expect(masker.heldBack).toBe(0);
    expect(masker.flush()).toBe('');
  });

  it('masks a secret split across chunks at every possible position', () => {
    const secret = 's3cr3t-value';
    const text = `before ${secret} after`;
    for (let a = 0; a <= text.length; a += 1) {
      for (let b = a; b <= text.length; b += 1) {
        const out = streamThrough([secret], [text.slice(0, a), text.slice(a, b), text.slice(b)]);
        expect(out, `split at ${a}/${b}`).toBe('before ***** after');
      }
    }
  });

  it('masks a secret delivered one character at a time', () => {
    const text = 'x=topsecret;y=topsecret';
    expect(streamThrough(['topsecret'], [...text])).toBe('x=*****;y=*****');
  });

  it('holds back at most maxSecretLength - 1 characters, and only a possible secret prefix', () => {
    const masker = createSecretMasker(['abcdef', 'xy']);
    expect(masker.maxSecretLength).toBe(6);
    expect(masker.push('hello abcde')).toBe('hello ');
    expect(masker.heldBack).toBe(5);
    expect(masker.push('Z')).toBe('abcdeZ');
    expect(masker.heldBack).toBe(0);
    expect(masker.push('text without a prefix!')).toBe('text without a prefix!');
    expect(masker.heldBack).toBe(0);
    expect(masker.push('ends with x')).toBe('ends with ');
    expect(masker.heldBack).toBe(1);
    expect(masker.flush()).toBe('x');
  });

  it('masks overlapping secrets as one run, leaking no fragment of either', () => {
    expect(streamThrough(['abcd', 'cdef'], ['xxabcdefyy'])).toBe('xx*****yy');
    expect(streamThrough(['abcd', 'cdef'], ['xxab', 'cd', 'efyy'])).toBe('xx*****yy');
    // One secret contained in another.
    expect(streamThrough(['secret', 'ecr'], ['a secret, an ecr'])).toBe('a *****, an *****');
    // Adjacent occurrences become one mask.
    expect(streamThrough(['ab'], ['abab-ab'])).toBe('*****-*****');
  });

  it('prefers the longer secret when a shorter one is its prefix, even across chunks', () => {
    expect(streamThrough(['pass', 'password123'], ['my password', '123 and pass'])).toBe('my ***** and *****');
    expect(streamThrough(['pass', 'password123'], ['my pass', 'word999'])).toBe('my *****word999');
  });

  it('continues a mask whose secret overlaps the next chunk after the cut', () => {
    // "cd" of "abcd" is already masked when "cdXY" completes: the run stays one mask.
    expect(streamThrough(['abcd', 'cdXY'], ['ab', 'cd', '', 'XY', ' end'])).toBe('***** end');
    expect(streamThrough(['abcd', 'dQ'], ['abc', 'd', 'Q!'])).toBe('*****!');
  });

  it('handles unicode secrets, including chunks that split a surrogate pair', () => {
    const secret = 'pässwörd-🔑-密码';
    const text = `key: ${secret} ✓`;
    for (let split = 0; split <= text.length; split += 1) {
      expect(streamThrough([secret], [text.slice(0, split), text.slice(split)])).toBe('key: ***** ✓');
    }
    expect(streamThrough(['🔑'], ['a🔑b🔑'])).toBe('a*****b*****');
    // Combining characters are matched as written (no normalization).
    expect(streamThrough(['e\u0301'], ['caf', 'e\u0301!'])).toBe('caf*****!');
  });

  it('keeps ANSI colour codes around a masked secret', () => {
    expect(streamThrough(['tok3n'], ['\u001b[32m+\u001b[0m value = "tok', '3n"\u001b[0m'])).toBe(
      '\u001b[32m+\u001b[0m value = "*****"\u001b[0m',
    );
  });

  it('streams exactly what masking the whole text gives (randomized)', () => {
    const next = random(42);
    const alphabet = 'abc-é🔑';
    const pick = (length: number) =>
      Array.from({ length }, () => [...alphabet][Math.floor(next() * [...alphabet].length)]).join('');
    for (let round = 0; round < 1000; round += 1) {
      const secrets = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(1 + Math.floor(next() * 4)));
      const text = pick(Math.floor(next() * 40));
      const chunks: string[] = [];
      let position = 0;
      while (position < text.length) {
        const size = Math.floor(next() * 6);
        chunks.push(text.slice(position, position + size));
        position += size;
      }
      const expected = referenceMask(secrets, text);
      expect(createSecretMasker(secrets).maskText(text), JSON.stringify({ secrets, text })).toBe(expected);
      expect(streamThrough(secrets, chunks), JSON.stringify({ secrets, chunks })).toBe(expected);
    }
  });
});

describe('createMaskedOutput', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('emits held-back text after an idle pause, and the rest at the end', () => {
    const emitted: string[] = [];
    const output = createMaskedOutput(createSecretMasker(['secret']), (text) => emitted.push(text), 200);
    output.write('prompt> sec');
    expect(emitted).toEqual(['prompt> ']);
    vi.advanceTimersByTime(199);
    expect(emitted).toEqual(['prompt> ']);
    vi.advanceTimersByTime(1);
    expect(emitted).toEqual(['prompt> ', 'sec']);
    output.write('ret? no: secret');
    output.end();
    expect(emitted.join('')).toBe('prompt> secret? no: *****');
  });

  it('does not flush a partial secret while output keeps coming', () => {
    const emitted: string[] = [];
    const output = createMaskedOutput(createSecretMasker(['abcdef']), (text) => emitted.push(text), 200);
    for (const chunk of ['x ab', 'c', 'd', 'e']) {
      output.write(chunk);
      vi.advanceTimersByTime(150);
    }
    output.write('f y');
    output.end();
    expect(emitted.join('')).toBe('x ***** y');
  });
});
