import { isAbsolute } from 'node:path';
import { GitInputError } from './errors.ts';

export type RepositoryUrlKind = 'https' | 'http' | 'ssh' | 'file' | 'local-path';

const SCP_LIKE = /^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:(?!\/\/)[^\s]+$/;

/** The forms a repository URL may take; every rejection below ends with it, once. */
export const REPOSITORY_URL_FORMS = 'Use https://…, ssh://…, user@host:path, file://… or an absolute path';

/**
 * Classifies a repository URL and rejects everything else. Only these transports reach git:
 * others (`ext::`, `fd::`, option-like strings) would let a URL run commands on the worker.
 */
export function classifyRepositoryUrl(url: string): RepositoryUrlKind {
  if (typeof url !== 'string' || url.length === 0) {
    throw new GitInputError(`Repository URL is empty. ${REPOSITORY_URL_FORMS}`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url)) {
    throw new GitInputError(`Repository URL contains a control character (such as a line break). ${REPOSITORY_URL_FORMS}`);
  }
  if (url.startsWith('-')) throw new GitInputError(`Repository URL cannot start with "-". ${REPOSITORY_URL_FORMS}`);
  if (SCP_LIKE.test(url)) return 'ssh';
  if (url.startsWith('/')) {
    if (!isAbsolute(url)) throw new GitInputError(`Repository path must be absolute: ${url}. ${REPOSITORY_URL_FORMS}`);
    return 'local-path';
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GitInputError(`Repository URL is not valid: ${redactUrl(url)}. ${REPOSITORY_URL_FORMS}`);
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
      throw new GitInputError(`Repository URL scheme "${parsed.protocol.replace(/:$/, '')}" is not supported. ${REPOSITORY_URL_FORMS}`);
  }
}

/** Replaces a password or token embedded in a URL's user info, so the URL can appear in logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]+)@/i, (_match, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    return colon === -1 ? `${scheme}*****@` : `${scheme}${userInfo.slice(0, colon)}:*****@`;
  });
}
