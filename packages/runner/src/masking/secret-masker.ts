/** What replaces a secret value in output. */
export const SECRET_MASK = '*****';

export interface SecretMasker {
  /**
   * Takes the next chunk of a stream and returns the text that is safe to emit now. A tail that could
   * be the beginning of a secret is held back (at most the longest secret's length minus one).
   */
  push(chunk: string): string;
  /** Returns everything held back, masked; call at the end of the stream (or after an idle pause). */
  flush(): string;
  /** Masks a complete text at once (no state is kept). */
  maskText(text: string): string;
  /** Length of the longest secret (0 when there are none). */
  readonly maxSecretLength: number;
  /** Number of characters currently held back. */
  readonly heldBack: number;
}

interface Interval {
  start: number;
  end: number;
}

/**
 * Creates a streaming masker that replaces every occurrence of any of `secrets` with *****, even when
 * an occurrence is split across chunks. Where occurrences overlap or touch (two secrets sharing
 * characters, or one secret right after another) the whole covered run becomes a single *****, so
 * no fragment of a secret leaks. Streamed output is identical to masking the whole text at once.
 * Empty secrets are ignored.
 */
export function createSecretMasker(secrets: readonly string[]): SecretMasker {
  const values = [...new Set(secrets.filter((secret) => typeof secret === 'string' && secret.length > 0))];
  const maxSecretLength = values.reduce((max, value) => Math.max(max, value.length), 0);

  // Text not yet emitted; its first `covered` characters are already part of an emitted *****.
  // covered = -1: the emitted text did not end inside or right after a mask.
  let pending = '';
  let covered = -1;

  const findIntervals = (text: string): Interval[] => {
    const found: Interval[] = [];
    for (const value of values) {
      let index = text.indexOf(value);
      while (index !== -1) {
        found.push({ start: index, end: index + value.length });
        index = text.indexOf(value, index + 1);
      }
    }
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const merged: Interval[] = [];
    for (const interval of found) {
      const last = merged[merged.length - 1];
      if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
      else merged.push({ ...interval });
    }
    return merged;
  };

  /** First index from which the rest of `text` could still grow into a secret. */
  const undecidedFrom = (text: string): number => {
    for (let start = Math.max(0, text.length - maxSecretLength + 1); start < text.length; start += 1) {
      const tail = text.slice(start);
      if (values.some((value) => value.length > tail.length && value.startsWith(tail))) return start;
    }
    return text.length;
  };

  /**
   * Emits text[0, cut) with masks and keeps the rest pending. Occurrences starting before `cut` are
   * complete in `text`. The first `covered` characters were already replaced by the last emitted
   * mask; an occurrence starting inside or right after it extends that mask instead of adding one.
   */
  const emit = (text: string, cut: number): string => {
    let output = '';
    let position = Math.max(covered, 0);
    let maskEnd = covered;
    for (const interval of findIntervals(text)) {
      if (interval.start >= cut) break;
      if (maskEnd >= 0 && interval.start <= maskEnd) {
        maskEnd = Math.max(maskEnd, interval.end);
      } else {
        output += text.slice(position, interval.start) + SECRET_MASK;
        maskEnd = interval.end;
      }
      position = Math.max(position, interval.end);
    }
    if (position < cut) output += text.slice(position, cut);
    covered = maskEnd >= cut ? maskEnd - cut : -1;
    pending = text.slice(cut);
    return output;
  };

  return {
    maxSecretLength,
    get heldBack() {
      return pending.length;
    },
    push(chunk) {
      if (values.length === 0) return chunk;
      const text = pending + chunk;
      return emit(text, undecidedFrom(text));
    },
    flush() {
      if (values.length === 0 || pending.length === 0) return '';
      return emit(pending, pending.length);
    },
    maskText(text) {
      if (values.length === 0) return text;
      let output = '';
      let position = 0;
      for (const interval of findIntervals(text)) {
        output += text.slice(position, interval.start) + SECRET_MASK;
        position = interval.end;
      }
      return output + text.slice(position);
    },
  };
}
