export { checkoutCommit, type CheckoutCommitInput } from './git/checkout.ts';
export { readCommitDetails, type CommitAuthor, type CommitDetails } from './git/commit-details.ts';
export { GitAbortedError, GitBranchNotFoundError, GitError, GitInputError } from './git/errors.ts';
export type { GitCredentials } from './git/git-environment.ts';
export { RepositoryCache, type CachedCheckout, type CheckoutSource } from './git/repository-cache.ts';
export { classifyRepositoryUrl, redactUrl, type RepositoryUrlKind } from './git/repository-url.ts';
export { resolveBranchHead, resolveRef, type ResolvedCommit, type ResolveRefInput } from './git/resolve-ref.ts';
