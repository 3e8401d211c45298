import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRepoFixture, type GitRepoFixture } from '@gantry/test-support';
import { checkoutCommit, GitBranchNotFoundError, GitError, GitInputError, resolveRef } from '../index.ts';

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

describe('checkoutCommit', () => {
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
