import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Files by path relative to the repository root; `null` deletes a file in a later commit. */
export type FixtureFiles = Record<string, string | null>;

export interface GitRepoFixture {
  /** file:// URL of the repository, usable as a stack's repository URL. */
  url: string;
  /** Absolute path of the repository's working tree. */
  path: string;
  /** Branch the commits go to. */
  branch: string;
  /** SHA of the latest commit. */
  sha: string;
  /** Writes (or deletes, with null) files and commits them; returns the new commit's SHA. */
  commit(files: FixtureFiles, message?: string): Promise<string>;
  /** Creates a branch pointing at the current commit. */
  createBranch(name: string): Promise<void>;
  cleanup(): Promise<void>;
}

export interface CreateGitRepoFixtureOptions {
  files: FixtureFiles;
  branch?: string;
  message?: string;
  author?: { name: string; email: string };
}

/** A real git repository in a temporary directory, with one commit of `files` on `branch` (default main). */
export async function createGitRepoFixture(options: CreateGitRepoFixtureOptions): Promise<GitRepoFixture> {
  const root = await mkdtemp(join(tmpdir(), 'gantry-repo-'));
  const path = join(root, 'repo');
  const branch = options.branch ?? 'main';
  const author = options.author ?? { name: 'Gantry Test', email: 'test@gantry.invalid' };
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  };
  const git = async (...args: string[]) => (await execFileAsync('git', args, { cwd: path, env })).stdout.trim();

  await mkdir(path, { recursive: true });
  await git('init', '--quiet', `--initial-branch=${branch}`);

  const fixture: GitRepoFixture = {
    url: pathToFileURL(path).href,
    path,
    branch,
    sha: '',
    async commit(files, message = 'Update files') {
      await writeFixtureFiles(path, files);
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      fixture.sha = await git('rev-parse', 'HEAD');
      return fixture.sha;
    },
    async createBranch(name) {
      await git('branch', name);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
  await fixture.commit(options.files, options.message ?? 'Initial commit');
  return fixture;
}

async function writeFixtureFiles(root: string, files: FixtureFiles): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    const target = normalize(join(root, relative));
    if (!target.startsWith(`${root}/`)) throw new Error(`Fixture file escapes the repository: ${relative}`);
    if (content === null) {
      await rm(target, { force: true });
    } else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
  }
}
