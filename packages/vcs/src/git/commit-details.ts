import type { RunGitOptions } from './run-git.ts';
import { runGit } from './run-git.ts';

export interface CommitAuthor {
  name: string;
  email: string;
}

/** What a run shows about its commit. */
export interface CommitDetails {
  sha: string;
  /** First line of the commit message. */
  message: string;
  /** Whole commit message, trimmed. */
  fullMessage: string;
  author: CommitAuthor;
  /** Author date, ISO 8601. */
  authoredAt: string;
}

const FORMAT = '--format=%H%x00%an%x00%ae%x00%aI%x00%B';

/** Reads a commit's message and author from a repository that has the commit (one `git log`). */
export async function readCommitDetails(sha: string, options: RunGitOptions): Promise<CommitDetails> {
  const { stdout } = await runGit(['log', '-1', '--no-show-signature', FORMAT, `${sha}^{commit}`, '--'], options);
  const [fetchedSha, name, email, authoredAt, body] = stdout.split('\0');
  const fullMessage = (body ?? '').trim();
  return {
    sha: (fetchedSha ?? sha).trim(),
    message: fullMessage.split('\n')[0] ?? '',
    fullMessage,
    author: { name: name ?? '', email: email ?? '' },
    authoredAt: authoredAt ?? '',
  };
}
