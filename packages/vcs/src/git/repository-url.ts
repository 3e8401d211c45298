import { isAbsolute } from 'node:path';
import { GitInputError } from './errors.ts';

export type RepositoryUrlKind = 'https' | 'http' | 'ssh' | 'file' | 'local-path';

const SCP_LIKE = /^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:(?!\/\/)[^\s]+$/;

/**
 * Classifies a repository URL and rejects everything else. Only these transports reach git:
 * others (`ext::`, `fd::`, option-like strings) would let a URL run commands on the worker.
 */
export function classifyRepositoryUrl(url: string): RepositoryUrlKind {
  if (typeof url !== 'string' || url.length === 0) {
    throw new GitInputError('Repository URL is empty');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url) || url.startsWith('-')) {
    throw new GitInputError(`Repository URL is not valid: ${redactUrl(url)}`);
  }
  if (SCP_LIKE.test(url)) return 'ssh';
  if (url.startsWith('/')) {
    if (!isAbsolute(url)) throw new GitInputError(`Repository path must be absolute: ${url}`);
    return 'local-path';
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GitInputError(
      `Repository URL is not valid: ${redactUrl(url)} (expected https://, ssh://, user@host:path, file:// or an absolute path)`,
    );
  }
  switch (parsed.protocol) {
    case 'https:':
      return 'https';
    case 'http:':
      return 'http';
    case 'ssh:':
      return 'ssh';
    case 'file:':
      return 'file';
    default:
      throw new GitInputError(`Repository URL scheme "${parsed.protocol}" is not supported: ${redactUrl(url)}`);
  }
}

/** Replaces a password or token embedded in a URL's user info, so the URL can appear in logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/i, (_match, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    return colon === -1 ? `${scheme}*****@` : `${scheme}${userInfo.slice(0, colon)}:*****@`;
  });
}
