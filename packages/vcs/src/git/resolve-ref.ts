import { GitBranchNotFoundError, GitError, GitInputError } from './errors.ts';
import { createGitEnvironment, type GitCredentials } from './git-environment.ts';
import { classifyRepositoryUrl, redactUrl, type RepositoryUrlKind } from './repository-url.ts';
import { runGit } from './run-git.ts';

export interface ResolveRefInput {
  repositoryUrl: string;
  branch: string;
  credentials?: GitCredentials;
  signal?: AbortSignal;
  /** Default 60 s for each git command. */
  timeoutMs?: number;
}

export interface CommitAuthor {
  name: string;
  email: string;
}

export interface ResolvedCommit {
  sha: string;
  /** First line of the commit message. */
  message: string;
  /** Whole commit message, trimmed. */
  fullMessage: string;
  author: CommitAuthor;
  /** Author date, ISO 8601. */
  authoredAt: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Normalizes and checks a branch name (`main`, `refs/heads/main`); git's own rules decide. */
async function normalizeBranch(branch: string, env: Record<string, string>, cwd: string): Promise<string> {
  const name = branch.startsWith('refs/heads/') ? branch.slice('refs/heads/'.length) : branch;
  if (name.length === 0 || name.startsWith('-')) {
    throw new GitInputError(`Branch name is not valid: "${branch}"`);
  }
  try {
    await runGit(['check-ref-format', `refs/heads/${name}`], { cwd, env });
  } catch {
    throw new GitInputError(`Branch name is not valid: "${branch}"`);
  }
  return name;
}

/** Fetch options that avoid downloading the tree where the server supports partial fetches. */
export function shallowFetchArgs(kind: RepositoryUrlKind, withoutTrees: boolean): string[] {
  const args = ['--depth=1', '--no-tags', '--no-write-fetch-head', '--quiet'];
  // Local transports do not support filters and warn about them; remote servers (GitHub, GitLab) do.
  if (withoutTrees && kind !== 'file' && kind !== 'local-path') args.push('--filter=tree:0');
  return args;
}

/**
 * Finds the commit at the head of `branch` (git ls-remote), then fetches that one commit object to
 * read its message and author. A run records this SHA at trigger time.
 */
export async function resolveRef(input: ResolveRefInput): Promise<ResolvedCommit> {
  const kind = classifyRepositoryUrl(input.repositoryUrl);
  const shownUrl = redactUrl(input.repositoryUrl);
  const git = await createGitEnvironment(input.credentials);
  const redact = [...git.secrets, input.repositoryUrl === shownUrl ? '' : input.repositoryUrl];
  const options = {
    env: git.env,
    cwd: git.home,
    signal: input.signal,
    timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    redact,
  };
  try {
    const branch = await normalizeBranch(input.branch, git.env, git.home);
    const ref = `refs/heads/${branch}`;

    let listing: string;
    try {
      listing = (await runGit(['ls-remote', '--', input.repositoryUrl, ref], options)).stdout;
    } catch (error) {
      throw withContext(error, `Could not read repository ${shownUrl}`);
    }
    const line = listing
      .split('\n')
      .map((entry) => entry.split('\t'))
      .find(([, name]) => name === ref);
    const sha = line?.[0];
    if (!sha) throw new GitBranchNotFoundError(branch, shownUrl);

    const repoDir = `${git.home}/repo`;
    await runGit(['init', '--quiet', '--bare', repoDir], options);
    const inRepo = { ...options, cwd: repoDir };
    try {
      await runGit(['fetch', ...shallowFetchArgs(kind, true), '--', input.repositoryUrl, sha], inRepo);
    } catch (error) {
      throw withContext(error, `Could not fetch commit ${sha} of branch "${branch}" from ${shownUrl}`);
    }
    const { stdout } = await runGit(['log', '-1', '--format=%H%x00%an%x00%ae%x00%aI%x00%B', sha], inRepo);
    const [fetchedSha, name, email, authoredAt, body] = stdout.split('\0');
    const fullMessage = (body ?? '').trim();
    return {
      sha: fetchedSha ?? sha,
      message: fullMessage.split('\n')[0] ?? '',
      fullMessage,
      author: { name: name ?? '', email: email ?? '' },
      authoredAt: authoredAt ?? '',
    };
  } finally {
    await git.dispose();
  }
}

/** Prefixes a git failure with what Gantry was doing, keeping git's stderr as the explanation. */
export function withContext(error: unknown, context: string): unknown {
  if (error instanceof GitError && error.constructor === GitError) {
    return new GitError(`${context}: ${error.stderr || error.message}`, {
      stderr: error.stderr,
      exitCode: error.exitCode,
      cause: error,
    });
  }
  return error;
}
