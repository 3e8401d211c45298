import { mkdir, readdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { GitError, GitInputError } from './errors.ts';
import { createGitEnvironment, type GitCredentials } from './git-environment.ts';
import { classifyRepositoryUrl, redactUrl } from './repository-url.ts';
import { shallowFetchArgs, withContext } from './resolve-ref.ts';
import { runGit } from './run-git.ts';

export interface CheckoutCommitInput {
  repositoryUrl: string;
  /** Full commit SHA (40 hex digits, or 64 for SHA-256 repositories). */
  sha: string;
  /** Absolute directory to check out into; must be missing or empty. */
  dir: string;
  credentials?: GitCredentials;
  signal?: AbortSignal;
  /** Default 10 minutes for the fetch. */
  timeoutMs?: number;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/**
 * Shallow-fetches exactly one commit into `dir` and checks it out (detached). Only that commit is
 * downloaded, so a run executes the code it recorded at trigger time even if the branch moved since.
 */
export async function checkoutCommit(input: CheckoutCommitInput): Promise<{ sha: string }> {
  const kind = classifyRepositoryUrl(input.repositoryUrl);
  const shownUrl = redactUrl(input.repositoryUrl);
  const sha = input.sha.toLowerCase();
  if (!FULL_SHA.test(sha)) {
    throw new GitInputError(`Commit must be a full SHA, got "${input.sha}"`);
  }
  if (!isAbsolute(input.dir)) {
    throw new GitInputError(`Checkout directory must be an absolute path: ${input.dir}`);
  }
  await mkdir(input.dir, { recursive: true });
  if ((await readdir(input.dir)).length > 0) {
    throw new GitInputError(`Checkout directory is not empty: ${input.dir}`);
  }

  const git = await createGitEnvironment(input.credentials);
  const options = {
    env: git.env,
    cwd: input.dir,
    signal: input.signal,
    timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    redact: [...git.secrets, input.repositoryUrl === shownUrl ? '' : input.repositoryUrl],
  };
  try {
    await runGit(['init', '--quiet', input.dir], options);
    try {
      await runGit(['fetch', ...shallowFetchArgs(kind, false), '--', input.repositoryUrl, sha], options);
    } catch (error) {
      throw withContext(error, `Could not fetch commit ${sha} from ${shownUrl}`);
    }
    await runGit(['checkout', '--quiet', '--detach', sha], options);
    const head = (await runGit(['rev-parse', 'HEAD'], options)).stdout.trim();
    if (head !== sha) {
      throw new GitError(`Checked out ${head} but ${sha} was requested`);
    }
    return { sha: head };
  } finally {
    await git.dispose();
  }
}
