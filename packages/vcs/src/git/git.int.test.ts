import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProcessSpawner } from '@gantry/process/spawner';
import { createGitRepoFixture, type GitRepoFixture } from '@gantry/test-support';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import {
  checkoutCommit,
  GitAbortedError,
  GitBranchNotFoundError,
  GitError,
  GitInputError,
  RepositoryCache,
  resolveBranchHead,
  resolveRef,
} from '../index.ts';

const exec = promisify(execFile);
/** git in a checkout, with nothing of the machine's git configuration. */
async function gitIn(dir: string, ...args: string[]): Promise<string> {
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  return (await exec('git', args, { cwd: dir, env })).stdout;
}

let repo: GitRepoFixture;
let scratch: string;
let firstSha: string;

beforeAll(async () => {
  repo = await createGitRepoFixture({ files: { 'README.md': 'first\n', 'infra/main.tf': '# v1\n' } });
  firstSha = repo.sha;
  await repo.commit({ 'infra/main.tf': '# v2\n' }, 'Second commit\n\nWith a body.');
  scratch = await mkdtemp(join(tmpdir(), 'gantry-vcs-test-'));
});

afterAll(async () => {
  await repo.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

describe('resolveRef', () => {
  it('returns the head commit of the branch with its message and author', async () => {
    const commit = await resolveRef({ repositoryUrl: repo.url, branch: 'main' });
    expect(commit.sha).toBe(repo.sha);
    expect(commit.sha).not.toBe(firstSha);
    expect(commit.message).toBe('Second commit');
    expect(commit.fullMessage).toBe('Second commit\n\nWith a body.');
    expect(commit.author).toEqual({ name: 'Gantry Test', email: 'test@gantry.invalid' });
    expect(Number.isNaN(Date.parse(commit.authoredAt))).toBe(false);
  });

  it('accepts a local path and a refs/heads/ branch name', async () => {
    const commit = await resolveRef({ repositoryUrl: repo.path, branch: 'refs/heads/main' });
    expect(commit.sha).toBe(repo.sha);
  });

  it('follows a branch other than main', async () => {
    await repo.createBranch('feature/x');
    const branchSha = repo.sha;
    await repo.commit({ 'README.md': 'third\n' }, 'Third on main');
    expect((await resolveRef({ repositoryUrl: repo.url, branch: 'feature/x' })).sha).toBe(branchSha);
    expect((await resolveRef({ repositoryUrl: repo.url, branch: 'main' })).sha).toBe(repo.sha);
  });

  it('names a missing branch', async () => {
    const error = await resolveRef({ repositoryUrl: repo.url, branch: 'does-not-exist' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitBranchNotFoundError);
    expect((error as Error).message).toContain('"does-not-exist"');
    expect((error as GitBranchNotFoundError).branch).toBe('does-not-exist');
  });

  it("carries git's own message when the repository cannot be read", async () => {
    const missing = join(scratch, 'no-such-repo');
    const error = await resolveRef({ repositoryUrl: missing, branch: 'main' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toContain('does not appear to be a git repository');
    expect((error as GitError).stderr).toContain('does not appear to be a git repository');
  });

  it("carries git's message for an unreachable https server and redacts the token", async () => {
    const error = await resolveRef({
      repositoryUrl: 'https://127.0.0.1:9/org/repo.git',
      branch: 'main',
      credentials: { kind: 'https-token', token: 'ghs_supersecret' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toMatch(/Failed to connect|Couldn't connect|Connection refused/);
    expect((error as Error).message).not.toContain('ghs_supersecret');
  });

  it('rejects dangerous or malformed input before running git', async () => {
    await expect(resolveRef({ repositoryUrl: 'ext::sh -c touch% /tmp/pwned', branch: 'main' })).rejects.toBeInstanceOf(
      GitInputError,
    );
    await expect(resolveRef({ repositoryUrl: '--upload-pack=evil', branch: 'main' })).rejects.toBeInstanceOf(
      GitInputError,
    );
    await expect(resolveRef({ repositoryUrl: repo.url, branch: 'bad..name' })).rejects.toBeInstanceOf(GitInputError);
    await expect(resolveRef({ repositoryUrl: repo.url, branch: '-x' })).rejects.toBeInstanceOf(GitInputError);
  });

  it('does not read the global git configuration of the worker', async () => {
    // A global config that rewrites every URL to a missing path would break the fetch if it were read.
    const home = await mkdtemp(join(tmpdir(), 'gantry-home-'));
    await writeFile(join(home, '.gitconfig'), '[url "/nonexistent/"]\n\tinsteadOf = file://\n');
    const previous = process.env.HOME;
    process.env.HOME = home;
    try {
      expect((await resolveRef({ repositoryUrl: repo.url, branch: 'main' })).sha).toBe(repo.sha);
    } finally {
      process.env.HOME = previous;
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('resolveBranchHead', () => {
  it('returns the SHA at the head of the branch from ls-remote alone', async () => {
    expect(await resolveBranchHead({ repositoryUrl: repo.url, branch: 'main' })).toEqual({ sha: repo.sha });
    expect(await resolveBranchHead({ repositoryUrl: repo.path, branch: 'refs/heads/main' })).toEqual({ sha: repo.sha });
  });

  it('names a missing branch, refuses a bad name and carries git\'s message for a missing repository', async () => {
    const missingBranch = await resolveBranchHead({ repositoryUrl: repo.url, branch: 'nope' }).catch((e: unknown) => e);
    expect(missingBranch).toBeInstanceOf(GitBranchNotFoundError);
    expect((missingBranch as Error).message).toContain('"nope"');
    await expect(resolveBranchHead({ repositoryUrl: repo.url, branch: 'bad..name' })).rejects.toBeInstanceOf(GitInputError);
    await expect(resolveBranchHead({ repositoryUrl: 'ext::sh -c id', branch: 'main' })).rejects.toBeInstanceOf(GitInputError);
    const missingRepo = await resolveBranchHead({ repositoryUrl: join(scratch, 'nowhere'), branch: 'main' }).catch((e: unknown) => e);
    expect(missingRepo).toBeInstanceOf(GitError);
    expect((missingRepo as Error).message).toMatch(/^Could not read repository .*does not appear to be a git repository/s);
  });
});

describe('checkoutCommit', () => {
  it('returns the message and author of the commit it checked out', async () => {
    const dir = join(scratch, 'checkout-details');
    const result = await checkoutCommit({ repositoryUrl: repo.url, sha: firstSha, dir });
    expect(result).toMatchObject({ sha: firstSha, author: { name: 'Gantry Test', email: 'test@gantry.invalid' } });
    expect(result.message.length).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(result.authoredAt))).toBe(false);
  });

  it('checks out exactly the requested commit, even when the branch has moved on', async () => {
    const dir = join(scratch, 'checkout-first');
    const result = await checkoutCommit({ repositoryUrl: repo.url, sha: firstSha, dir });
    expect(result.sha).toBe(firstSha);
    expect(await readFile(join(dir, 'infra/main.tf'), 'utf8')).toBe('# v1\n');
  });

  it('works with a local path and fetches a single commit (shallow)', async () => {
    const dir = join(scratch, 'checkout-path');
    await checkoutCommit({ repositoryUrl: repo.path, sha: repo.sha, dir });
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('third\n');
    expect(await readFile(join(dir, '.git/shallow'), 'utf8')).toContain(repo.sha);
  });

  it("fails with git's message for a commit the repository does not have", async () => {
    const dir = join(scratch, 'checkout-missing');
    const error = await checkoutCommit({ repositoryUrl: repo.url, sha: 'a'.repeat(40), dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as Error).message).toContain(`Could not fetch commit ${'a'.repeat(40)}`);
    expect((error as GitError).stderr.length).toBeGreaterThan(0);
  });

  it('refuses abbreviated SHAs and non-empty directories', async () => {
    await expect(
      checkoutCommit({ repositoryUrl: repo.url, sha: repo.sha.slice(0, 7), dir: join(scratch, 'short') }),
    ).rejects.toBeInstanceOf(GitInputError);
    const busy = join(scratch, 'busy');
    await checkoutCommit({ repositoryUrl: repo.url, sha: repo.sha, dir: busy });
    await expect(checkoutCommit({ repositoryUrl: repo.url, sha: repo.sha, dir: busy })).rejects.toThrow(/not empty/);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const dir = join(scratch, 'aborted');
    await expect(checkoutCommit({ repositoryUrl: repo.url, sha: repo.sha, dir, signal: controller.signal })).rejects.toThrow(
      /aborted/,
    );
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('RepositoryCache', () => {
  const sameFiles = async (a: string, b: string) => {
    const list = async (dir: string) => (await readdir(dir, { recursive: true })).filter((p) => !p.startsWith('.git')).sort();
    expect(await list(a)).toEqual(await list(b));
    for (const path of await list(a)) {
      const [left, right] = await Promise.all([readFile(join(a, path)).catch(() => null), readFile(join(b, path)).catch(() => null)]);
      expect(left?.equals(right ?? Buffer.alloc(0)) ?? right === null).toBe(true);
    }
  };

  it('fetches a commit once, then checks it out from the cache; the checkout is a clean git work tree at the commit', async () => {
    const cache = new RepositoryCache(join(scratch, 'cache-a'));
    const first = await cache.checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, 'cached-1') });
    const second = await cache.checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, 'cached-2') });
    expect(first.source).toBe('fetched');
    expect(second.source).toBe('cache');
    expect(second).toMatchObject({ sha: repo.sha, author: { name: 'Gantry Test', email: 'test@gantry.invalid' } });
    expect(second.message).toBe(first.message);
    const direct = join(scratch, 'cached-direct');
    await checkoutCommit({ repositoryUrl: repo.url, sha: repo.sha, dir: direct });
    await sameFiles(join(scratch, 'cached-2'), direct);
    expect((await gitIn(join(scratch, 'cached-2'), 'rev-parse', 'HEAD')).trim()).toBe(repo.sha);
    expect(await gitIn(join(scratch, 'cached-2'), 'status', '--porcelain')).toBe('');
    expect((await gitIn(join(scratch, 'cached-2'), 'log', '--format=%s')).trim()).toBe(first.message);

    // An older commit: fetched into the same cache, exactly that commit's files.
    const old = await cache.checkout({ repositoryUrl: repo.url, sha: firstSha, dir: join(scratch, 'cached-old') });
    expect(old.source).toBe('fetched');
    expect(await readFile(join(scratch, 'cached-old/infra/main.tf'), 'utf8')).toBe('# v1\n');
  });

  it('keeps files, modes and symbolic links as a clone does', async () => {
    const special = await createGitRepoFixture({ files: { 'run.sh': '#!/bin/sh\necho hi\n', 'dir/file.txt': 'x\n' } });
    try {
      await gitIn(special.path, 'update-index', '--chmod=+x', 'run.sh');
      await exec('ln', ['-s', 'dir/file.txt', join(special.path, 'link')]);
      await gitIn(special.path, 'add', 'link');
      await exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'modes'], { cwd: special.path });
      const sha = (await gitIn(special.path, 'rev-parse', 'HEAD')).trim();
      const cache = new RepositoryCache(join(scratch, 'cache-modes'));
      await cache.checkout({ repositoryUrl: special.url, sha, dir: join(scratch, 'modes-1') });
      const { source } = await cache.checkout({ repositoryUrl: special.url, sha, dir: join(scratch, 'modes-2') });
      expect(source).toBe('cache');
      const { lstat, readlink } = await import('node:fs/promises');
      expect((await lstat(join(scratch, 'modes-2/run.sh'))).mode & 0o111).not.toBe(0);
      expect((await lstat(join(scratch, 'modes-2/dir/file.txt'))).mode & 0o111).toBe(0);
      expect(await readlink(join(scratch, 'modes-2/link'))).toBe('dir/file.txt');
    } finally {
      await special.cleanup();
    }
  });

  it('never serves a commit fetched with one set of credentials to a checkout with others', async () => {
    const cache = new RepositoryCache(join(scratch, 'cache-creds'));
    const withToken = { kind: 'https-token', token: 'token-a' } as const;
    expect((await cache.checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, 'creds-1'), credentials: withToken })).source).toBe('fetched');
    expect((await cache.checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, 'creds-2'), credentials: withToken })).source).toBe('cache');
    expect((await cache.checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, 'creds-3') })).source).toBe('fetched');
    expect(
      (await cache.checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, 'creds-4'), credentials: { kind: 'https-token', token: 'token-b' } })).source,
    ).toBe('fetched');
  });

  it('serves concurrent checkouts of one missing commit', async () => {
    const cache = new RepositoryCache(join(scratch, 'cache-concurrent'));
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) => cache.checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, `concurrent-${i}`) })),
    );
    expect(results.map((r) => r.sha)).toEqual([repo.sha, repo.sha, repo.sha, repo.sha]);
    for (const i of [1, 2, 3]) await sameFiles(join(scratch, 'concurrent-0'), join(scratch, `concurrent-${i}`));
  });

  it('falls back to a direct checkout when the cache is damaged, and reports a missing commit as git does', async () => {
    const cacheDir = join(scratch, 'cache-damaged');
    const cache = new RepositoryCache(cacheDir);
    await cache.checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, 'damaged-1') });
    const [entry] = await readdir(cacheDir);
    await rm(join(cacheDir, entry!, 'objects'), { recursive: true, force: true });
    await writeFile(join(cacheDir, entry!, 'objects'), 'not a directory');
    const result = await cache.checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, 'damaged-2') });
    expect(result.source).toBe('direct');
    expect(result.cacheProblem).toBeTruthy();
    await sameFiles(join(scratch, 'damaged-1'), join(scratch, 'damaged-2'));

    const missing = await new RepositoryCache(join(scratch, 'cache-missing'))
      .checkout({ repositoryUrl: repo.url, sha: 'b'.repeat(40), dir: join(scratch, 'missing') })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(GitError);
    expect((missing as Error).message).toContain(`Could not fetch commit ${'b'.repeat(40)}`);
  });

  it('stops when aborted, without falling back', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await new RepositoryCache(join(scratch, 'cache-abort'))
      .checkout({ repositoryUrl: repo.url, sha: repo.sha, dir: join(scratch, 'abort'), signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitAbortedError);
  });
});

describe("through the worker's process spawner", () => {
  let spawner: ReturnType<typeof installProcessSpawner>;
  beforeAll(() => {
    spawner = installProcessSpawner();
  });
  afterAll(async () => {
    await spawner.uninstall();
  });

  it('resolves, checks out through the cache and reports git\'s errors as when git runs here', async () => {
    expect(await resolveBranchHead({ repositoryUrl: repo.url, branch: 'main' })).toEqual({ sha: repo.sha });
    await expect(resolveBranchHead({ repositoryUrl: repo.url, branch: 'nope' })).rejects.toBeInstanceOf(GitBranchNotFoundError);
    const cache = new RepositoryCache(join(scratch, 'cache-spawner'));
    for (const dir of ['spawner-1', 'spawner-2']) {
      const result = await cache.checkout({ repositoryUrl: repo.url, sha: firstSha, dir: join(scratch, dir) });
      expect(result).toMatchObject({ sha: firstSha, source: dir === 'spawner-1' ? 'fetched' : 'cache' });
      expect(await readFile(join(scratch, dir, 'infra/main.tf'), 'utf8')).toBe('# v1\n');
    }
    const missing = await checkoutCommit({ repositoryUrl: repo.url, sha: 'c'.repeat(40), dir: join(scratch, 'spawner-missing') }).catch((e: unknown) => e);
    expect((missing as GitError).stderr.length).toBeGreaterThan(0);
  });

  it('stops git when aborted', async () => {
    // A server that accepts and never answers: git (and its remote helper) wait until stopped.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const controller = new AbortController();
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/repo.git`;
      const hanging = checkoutCommit({ repositoryUrl: url, sha: repo.sha, dir: join(scratch, 'spawner-abort'), signal: controller.signal });
      setTimeout(() => controller.abort(), 300);
      const started = Date.now();
      await expect(hanging).rejects.toBeInstanceOf(GitAbortedError);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      silent.close();
    }
  });
});
