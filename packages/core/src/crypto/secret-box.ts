import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

/**
 * AES-256-GCM for secrets and state at rest. Sealed format: version (1 byte) | IV (12) | tag (16) |
 * ciphertext. Every value is bound to a context string (e.g. "env:<account>:<stack>:<name>") used as
 * additional authenticated data, so a ciphertext copied to another row, stack or account does not
 * decrypt.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.#key = Buffer.from(key);
  }

  /** Returns a plain Uint8Array (what Prisma's Bytes columns take). */
  seal(plaintext: Uint8Array | string, context: string): Uint8Array<ArrayBuffer> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    const sealed = Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    return new Uint8Array(sealed.buffer as ArrayBuffer, sealed.byteOffset, sealed.byteLength);
  }

  open(sealed: Uint8Array, context: string): Buffer {
    const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (data.length < HEADER_BYTES || data[0] !== VERSION) throw new DecryptionError('Encrypted value has an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, data.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(data.subarray(1 + IV_BYTES, HEADER_BYTES));
    try {
      return Buffer.concat([decipher.update(data.subarray(HEADER_BYTES)), decipher.final()]);
    } catch {
      throw new DecryptionError('Encrypted value could not be decrypted (wrong key or tampered data)');
    }
  }

  openString(sealed: Uint8Array, context: string): string {
    return this.open(sealed, context).toString('utf8');
  }
}

/** AAD contexts, one place, so writers and readers agree. */
export const sealContext = {
  envVar: (accountId: string, stackId: string, name: string) => `env:${accountId}:${stackId}:${name}`,
  archive: (accountId: string, runId: string) => `archive:${accountId}:${runId}`,
  state: (accountId: string, stackId: string, version: number) => `state:${accountId}:${stackId}:${version}`,
  resourceChanges: (accountId: string, runId: string) => `resource-changes:${accountId}:${runId}`,
};
