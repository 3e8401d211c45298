import type { SecretMasker } from './secret-masker.ts';

export interface MaskedOutput {
  write(chunk: string): void;
  /** Emits whatever is held back; call when the stream ends. */
  end(): void;
}

/** Default pause after which held-back text is emitted anyway, so a log never stalls on a partial match. */
export const DEFAULT_IDLE_FLUSH_MS = 200;

/**
 * Feeds a stream through a masker and hands the safe text to `emit`. Text held back because it might
 * start a secret is emitted after `idleFlushMs` without new output, and at `end()`.
 */
export function createMaskedOutput(
  masker: SecretMasker,
  emit: (text: string) => void,
  idleFlushMs: number = DEFAULT_IDLE_FLUSH_MS,
): MaskedOutput {
  let idleTimer: NodeJS.Timeout | undefined;
  const flush = () => {
    idleTimer = undefined;
    const rest = masker.flush();
    if (rest.length > 0) emit(rest);
  };
  return {
    write(chunk) {
      const text = masker.push(chunk);
      if (text.length > 0) emit(text);
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = masker.heldBack > 0 ? setTimeout(flush, idleFlushMs) : undefined;
    },
    end() {
      if (idleTimer) clearTimeout(idleTimer);
      flush();
    },
  };
}
