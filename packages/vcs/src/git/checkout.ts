import { mkdir, readdir } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { GitError, GitInputError } from './errors.ts';
import { createGitEnvironment, type GitCredentials } from './git-environment.ts';
import { classifyRepositoryUrl, redactUrl, type RepositoryUrlKind } from './repository-url.ts';
import { shallowFetchArgs, withContext } from './resolve-ref.ts';
import { readCommitDetails, type CommitDetails } from './commit-details.ts';
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
export const DEFAULT_CHECKOUT_TIMEOUT_MS = 10 * 60_000;

/** Checks a checkout's input before git runs and creates the (empty) target directory. */
export async function prepareCheckout(input: CheckoutCommitInput): Promise<{ kind: RepositoryUrlKind; shownUrl: string; sha: string }> {
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
  return { kind, shownUrl, sha };
}

/**
 * Shallow-fetches exactly one commit into `dir` and checks it out (detached). Only that commit is
 * downloaded, so a run executes the code it recorded at trigger time even if the branch moved since.
 * Returns the commit's message and author, read from the checkout.
 */
export async function checkoutCommit(input: CheckoutCommitInput): Promise<CommitDetails> {
  const { kind, shownUrl, sha } = await prepareCheckout(input);
  const git = await createGitEnvironment(input.credentials);
  const options = {
    env: git.env,
    cwd: input.dir,
    signal: input.signal,
    timeoutMs: input.timeoutMs ?? DEFAULT_CHECKOUT_TIMEOUT_MS,
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
    const head = await readCommitDetails('HEAD', options);
    if (head.sha !== sha) {
      throw new GitError(`Checked out ${head.sha} but ${sha} was requested`);
    }
    return head;
  } finally {
    await git.dispose();
  }
}
