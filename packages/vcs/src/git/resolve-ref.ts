import { GitBranchNotFoundError, GitError, GitInputError } from './errors.ts';
import { createGitEnvironment, type GitCredentials } from './git-environment.ts';
import { classifyRepositoryUrl, redactUrl, type RepositoryUrlKind } from './repository-url.ts';
import { readCommitDetails, type CommitDetails } from './commit-details.ts';
import { runGit, type RunGitOptions } from './run-git.ts';

export interface ResolveRefInput {
  repositoryUrl: string;
  branch: string;
  credentials?: GitCredentials;
  signal?: AbortSignal;
  /** Default 60 s for each git command. */
  timeoutMs?: number;
}

/** A branch head with its message and author. */
export type ResolvedCommit = CommitDetails;

const DEFAULT_TIMEOUT_MS = 60_000;

/** Branch names git accepted in this process (a name's validity never changes): no process the next time. */
const validBranchNames = new Set<string>();

/** Normalizes and checks a branch name (`main`, `refs/heads/main`); git's own rules decide. */
async function normalizeBranch(branch: string, env: Record<string, string>, cwd: string): Promise<string> {
  const name = plainBranchName(branch);
  if (name.length === 0 || name.startsWith('-')) {
    throw new GitInputError(`Branch name is not valid: "${branch}"`);
  }
  if (validBranchNames.has(name)) return name;
  try {
    await runGit(['check-ref-format', `refs/heads/${name}`], { cwd, env });
  } catch {
    throw new GitInputError(`Branch name is not valid: "${branch}"`);
  }
  if (validBranchNames.size >= 1000) validBranchNames.clear();
  validBranchNames.add(name);
  return name;
}

/** Fetch options that avoid downloading the tree where the server supports partial fetches. */
export function shallowFetchArgs(kind: RepositoryUrlKind, withoutTrees: boolean): string[] {
  const args = ['--depth=1', '--no-tags', '--no-write-fetch-head', '--quiet'];
  // Local transports do not support filters and warn about them; remote servers (GitHub, GitLab) do.
  if (withoutTrees && kind !== 'file' && kind !== 'local-path') args.push('--filter=tree:0');
  return args;
}

/** Runs `git ls-remote` for exactly `refs/heads/<branch>` and returns the SHA it points at. */
async function lsRemoteBranch(input: ResolveRefInput, options: RunGitOptions, git: { env: Record<string, string>; home: string }): Promise<{ sha: string; branch: string }> {
  const shownUrl = redactUrl(input.repositoryUrl);
  // The name check and the network round trip run side by side (after `--`, a bad name is only a
  // pattern that matches nothing); a bad name stops the listing.
  const stopListing = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopListing.signal]) : stopListing.signal;
  const listing = runGit(['ls-remote', '--', input.repositoryUrl, `refs/heads/${plainBranchName(input.branch)}`], { ...options, signal });
  listing.catch(() => undefined);
  let branch: string;
  try {
    branch = await normalizeBranch(input.branch, git.env, git.home);
  } catch (error) {
    stopListing.abort();
    await listing.catch(() => undefined);
    throw error;
  }
  const ref = `refs/heads/${branch}`;
  let stdout: string;
  try {
    stdout = (await listing).stdout;
  } catch (error) {
    throw withContext(error, `Could not read repository ${shownUrl}`);
  }
  const line = stdout
    .split('\n')
    .map((entry) => entry.split('\t'))
    .find(([, name]) => name === ref);
  const sha = line?.[0];
  if (!sha) throw new GitBranchNotFoundError(branch, shownUrl);
  return { sha, branch };
}

function plainBranchName(branch: string): string {
  return branch.startsWith('refs/heads/') ? branch.slice('refs/heads/'.length) : branch;
}

function gitOptions(input: ResolveRefInput, git: { env: Record<string, string>; home: string; secrets: string[] }): RunGitOptions {
  const shownUrl = redactUrl(input.repositoryUrl);
  return {
    env: git.env,
    cwd: git.home,
    signal: input.signal,
    timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    redact: [...git.secrets, input.repositoryUrl === shownUrl ? '' : input.repositoryUrl],
  };
}

/**
 * The SHA at the head of `branch`, from one `git ls-remote` (nothing is downloaded). This is what a
 * run records when it is triggered; its message and author are read later from the checkout.
 */
export async function resolveBranchHead(input: ResolveRefInput): Promise<{ sha: string }> {
  classifyRepositoryUrl(input.repositoryUrl);
  const git = await createGitEnvironment(input.credentials);
  try {
    const { sha } = await lsRemoteBranch(input, gitOptions(input, git), git);
    return { sha };
  } finally {
    await git.dispose();
  }
}

/**
 * Finds the commit at the head of `branch` (git ls-remote), then fetches that one commit object to
 * read its message and author. Costs a fetch: when only the SHA is needed, use resolveBranchHead.
 */
export async function resolveRef(input: ResolveRefInput): Promise<ResolvedCommit> {
  const kind = classifyRepositoryUrl(input.repositoryUrl);
  const shownUrl = redactUrl(input.repositoryUrl);
  const git = await createGitEnvironment(input.credentials);
  const options = gitOptions(input, git);
  try {
    const { sha, branch } = await lsRemoteBranch(input, options, git);
    const repoDir = `${git.home}/repo`;
    await runGit(['init', '--quiet', '--bare', repoDir], options);
    const inRepo = { ...options, cwd: repoDir };
    try {
      await runGit(['fetch', ...shallowFetchArgs(kind, true), '--', input.repositoryUrl, sha], inRepo);
    } catch (error) {
      throw withContext(error, `Could not fetch commit ${sha} of branch "${branch}" from ${shownUrl}`);
    }
    return await readCommitDetails(sha, inRepo);
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
