export { checkoutCommit, type CheckoutCommitInput } from './git/checkout.ts';
export { GitAbortedError, GitBranchNotFoundError, GitError, GitInputError } from './git/errors.ts';
export type { GitCredentials } from './git/git-environment.ts';
export { classifyRepositoryUrl, redactUrl, type RepositoryUrlKind } from './git/repository-url.ts';
export { resolveRef, type CommitAuthor, type ResolvedCommit, type ResolveRefInput } from './git/resolve-ref.ts';
