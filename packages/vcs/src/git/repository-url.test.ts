import { describe, expect, it } from 'vitest';
import { GitInputError } from './errors.ts';
import { classifyRepositoryUrl, redactUrl } from './repository-url.ts';

describe('classifyRepositoryUrl', () => {
  it.each([
    ['https://github.com/acme/infra.git', 'https'],
    ['http://gitea.local/acme/infra', 'http'],
    ['ssh://git@github.com:22/acme/infra.git', 'ssh'],
    ['git@github.com:acme/infra.git', 'ssh'],
    ['file:///srv/git/infra', 'file'],
    ['/srv/git/infra', 'local-path'],
  ])('%s is %s', (url, kind) => {
    expect(classifyRepositoryUrl(url)).toBe(kind);
  });

  it.each([
    '',
    'ext::sh -c whoami',
    'fd::3',
    '-uevil',
    '--upload-pack=touch /tmp/x',
    'relative/path',
    'ftp://example.com/repo',
    'https://example.com/repo\nmore',
  ])('rejects %j, saying once which forms are accepted', (url) => {
    expect(() => classifyRepositoryUrl(url)).toThrow(GitInputError);
    const message = (() => {
      try {
        classifyRepositoryUrl(url);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message.match(/Use https:\/\/…, ssh:\/\/…, user@host:path, file:\/\/… or an absolute path/g)).toHaveLength(1);
    expect(message).not.toMatch(/\n/);
  });

  it('names what is wrong', () => {
    expect(() => classifyRepositoryUrl('not a url')).toThrow(/^Repository URL is not valid: not a url\. Use https/);
    expect(() => classifyRepositoryUrl('ftp://example.com/repo')).toThrow(/^Repository URL scheme "ftp" is not supported\. Use https/);
    expect(() => classifyRepositoryUrl('-uevil')).toThrow(/^Repository URL cannot start with "-"/);
    expect(() => classifyRepositoryUrl('https://example.com/a\nb')).toThrow(/^Repository URL contains a control character/);
  });
});

describe('redactUrl', () => {
  it('hides passwords and tokens in user info', () => {
    expect(redactUrl('https://x-access-token:ghs_abc@github.com/a/b.git')).toBe(
      'https://x-access-token:*****@github.com/a/b.git',
    );
    expect(redactUrl('https://ghp_token@github.com/a/b.git')).toBe('https://*****@github.com/a/b.git');
  });

  it('leaves URLs without credentials alone', () => {
    expect(redactUrl('https://github.com/a/b.git')).toBe('https://github.com/a/b.git');
    expect(redactUrl('git@github.com:a/b.git')).toBe('git@github.com:a/b.git');
  });
});
