import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';
import { DecryptionError, SecretBox, sealContext } from './secret-box.ts';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips text and bytes, with a fresh IV each time', () => {
    const a = box.seal('hunter2 ✓', 'ctx');
    const b = box.seal('hunter2 ✓', 'ctx');
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(box.openString(a, 'ctx')).toBe('hunter2 ✓');
    const bytes = randomBytes(100_000);
    expect(box.open(box.seal(bytes, 'x'), 'x').equals(bytes)).toBe(true);
  });

  it('does not contain the plaintext', () => {
    expect(Buffer.from(box.seal('super-secret-value', 'ctx')).includes(Buffer.from('super-secret-value'))).toBe(false);
  });

  it('refuses another context (a ciphertext moved to another row or account)', () => {
    const sealed = box.seal('v', sealContext.envVar('acc1', 'stack1', 'TOKEN'));
    expect(() => box.open(sealed, sealContext.envVar('acc2', 'stack1', 'TOKEN'))).toThrow(DecryptionError);
  });

  it('refuses tampered data and another key', () => {
    const sealed = box.seal('value', 'ctx');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => box.open(tampered, 'ctx')).toThrow(DecryptionError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'ctx')).toThrow(DecryptionError);
    expect(() => box.open(Buffer.from([9, 1, 2]), 'ctx')).toThrow(/unknown format/);
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});

describe('passwords (scrypt)', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });
});
