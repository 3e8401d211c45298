import { createHash, randomBytes } from 'node:crypto';

/**
 * Invitation tokens: 32 random bytes (base64url, 43 characters), shown once to the admin who
 * invited. Only the SHA-256 is stored, so a database dump does not hold usable links. A plain hash
 * is enough (no salt, no slow hash): the token has 256 bits of entropy, nothing to guess.
 */
export function newInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function invitationTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
