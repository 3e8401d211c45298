/** Base class of every failure of a git operation; `stderr` is git's own message, credentials redacted. */
export class GitError extends Error {
  override readonly name: string = 'GitError';
  readonly stderr: string;
  readonly exitCode: number | null;

  constructor(message: string, details: { stderr?: string; exitCode?: number | null; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.stderr = details.stderr ?? '';
    this.exitCode = details.exitCode ?? null;
  }
}

/** The repository answered, but has no branch of that name. */
export class GitBranchNotFoundError extends GitError {
  override readonly name = 'GitBranchNotFoundError';
  readonly branch: string;

  constructor(branch: string, repository: string) {
    super(`Branch "${branch}" was not found in repository ${repository}`);
    this.branch = branch;
  }
}

/** The caller's input (URL, branch name, SHA, directory) is unusable before git even runs. */
export class GitInputError extends GitError {
  override readonly name = 'GitInputError';
}

/** The operation was stopped through its AbortSignal or ran past its time limit. */
export class GitAbortedError extends GitError {
  override readonly name = 'GitAbortedError';
}
