import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { checkoutCommit, DEFAULT_CHECKOUT_TIMEOUT_MS, prepareCheckout, type CheckoutCommitInput } from './checkout.ts';
import { readCommitDetails, type CommitDetails } from './commit-details.ts';
import { GitAbortedError, GitError, GitInputError } from './errors.ts';
import { createGitEnvironment, type GitCredentials } from './git-environment.ts';
import { shallowFetchArgs, withContext } from './resolve-ref.ts';
import { runGit, type RunGitOptions } from './run-git.ts';

/**
 * Where a checkout's files came from:
 * - `cache`: the commit was in the worker's repository cache; nothing was downloaded;
 * - `fetched`: the commit was fetched (shallow) into the cache, then checked out from it;
 * - `direct`: the cache could not be used (see `cacheProblem`); a fresh shallow fetch into the
 *   checkout directory, exactly as checkoutCommit does.
 */
export type CheckoutSource = 'cache' | 'fetched' | 'direct';

export interface CachedCheckout extends CommitDetails {
  source: CheckoutSource;
  /** Why the cache was bypassed (source `direct`). */
  cacheProblem?: string;
}

/**
 * A worker's cache of repositories: one bare repository per (URL, credentials) under `dir`, holding
 * the commits fetched so far (each fetched shallow, alone). A checkout of a commit the cache has
 * costs one `git read-tree` into the directory, plus one `git log` for its message, run side by
 * side; a missing commit is fetched into the cache first.
 *
 * The key includes a fingerprint of the credentials, so a commit fetched with one set of credentials
 * is never served to a checkout made with other (or no) credentials: access is proven by a fetch at
 * least once per credentials. Any trouble with the cache (another process fetching into the same
 * repository, a damaged repository) falls back to a direct checkout; a cancel never does.
 *
 * Trust: the cache lives on the worker's disk like the vendor binary and the worker itself, so it is
 * as safe as the worker's files are from the runs it executes (same user today).
 */
export class RepositoryCache {
  private readonly locks = new Map<string, Promise<void>>();
  /** Message and author by repository and commit (a commit never changes): no `git log` the next time. */
  private readonly details = new Map<string, CommitDetails>();

  constructor(readonly dir: string) {
    if (!isAbsolute(dir)) throw new GitInputError(`Repository cache directory must be an absolute path: ${dir}`);
  }

  /** Checks out exactly `input.sha` into `input.dir` (missing or empty), through the cache. */
  async checkout(input: CheckoutCommitInput): Promise<CachedCheckout> {
    const { kind, shownUrl, sha } = await prepareCheckout(input);
    const repoDir = join(this.dir, `${cacheKey(input.repositoryUrl, input.credentials)}.git`);
    const git = await createGitEnvironment(input.credentials);
    const options: RunGitOptions = {
      env: { ...git.env, GIT_DIR: repoDir },
      cwd: git.home,
      signal: input.signal,
      timeoutMs: input.timeoutMs ?? DEFAULT_CHECKOUT_TIMEOUT_MS,
      redact: [...git.secrets, input.repositoryUrl === shownUrl ? '' : input.repositoryUrl],
    };
    let problem: unknown;
    try {
      if (existsSync(join(repoDir, 'HEAD'))) {
        const cached = await this.materialize(sha, input.dir, repoDir, options).catch(rethrowAbort);
        if (cached) return { ...cached, source: 'cache' };
      }
      try {
        await this.exclusive(repoDir, async () => {
          await createBareRepository(repoDir, options);
          try {
            // Under a ref of its own, so that git's housekeeping never prunes a fetched commit.
            await runGit(['fetch', ...shallowFetchArgs(kind, false), '--', input.repositoryUrl, `+${sha}:refs/gantry/${sha}`], options);
          } catch (error) {
            throw withContext(error, `Could not fetch commit ${sha} from ${shownUrl}`);
          }
        });
        const fetched = await this.materialize(sha, input.dir, repoDir, options);
        if (fetched) return { ...fetched, source: 'fetched' };
        problem = new GitError(`Commit ${sha} is not readable in the repository cache after fetching it`);
      } catch (error) {
        rethrowAbort(error);
        problem = error;
      }
    } finally {
      await git.dispose();
    }
    // The cache failed us: a fresh checkout, whose error (if any) is the one to report.
    await emptyDirectory(input.dir);
    const direct = await checkoutCommit(input);
    return { ...direct, source: 'direct', cacheProblem: problem instanceof Error ? problem.message : String(problem) };
  }

  /**
   * Writes the commit's files into `dir` from the cache, with a `.git` of its own that borrows the
   * cache's objects (alternates), HEAD detached at the commit and an index matching the files, so
   * `git` works in the checkout as in a clone. Null (and `dir` emptied again) when the cache does not
   * have the whole commit.
   */
  private async materialize(sha: string, dir: string, repoDir: string, options: RunGitOptions): Promise<CommitDetails | null> {
    const dotGit = join(dir, '.git');
    await mkdir(join(dotGit, 'objects', 'info'), { recursive: true });
    await mkdir(join(dotGit, 'refs'), { recursive: true });
    await Promise.all([
      writeFile(join(dotGit, 'objects', 'info', 'alternates'), `${join(repoDir, 'objects')}\n`),
      writeFile(join(dotGit, 'HEAD'), `${sha}\n`),
      writeFile(join(dotGit, 'shallow'), `${sha}\n`),
    ]);
    // The index is the checkout's own: concurrent checkouts of one repository share nothing mutable.
    const checkoutEnv = { ...options.env, GIT_DIR: repoDir, GIT_WORK_TREE: dir, GIT_INDEX_FILE: join(dotGit, 'index') };
    const detailsKey = `${repoDir}\0${sha}`;
    const known = this.details.get(detailsKey);
    const results = await Promise.allSettled([
      runGit(['read-tree', '-u', '--reset', `${sha}^{commit}`], { ...options, env: checkoutEnv }),
      known ?? readCommitDetails(sha, options),
    ]);
    for (const result of results) if (result.status === 'rejected') rethrowAbort(result.reason);
    const [tree, details] = results;
    if (tree.status === 'fulfilled' && details.status === 'fulfilled' && details.value.sha === sha) {
      if (!known) {
        if (this.details.size >= 1000) this.details.delete(this.details.keys().next().value!);
        this.details.set(detailsKey, details.value);
      }
      return details.value;
    }
    await emptyDirectory(dir);
    return null;
  }

  /** Runs `fn` alone for this repository within this process (git's own locks guard across processes). */
  private async exclusive(key: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.locks.set(key, tail);
    await previous;
    try {
      await fn();
    } finally {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

function rethrowAbort(error: unknown): null {
  if (error instanceof GitAbortedError) throw error;
  return null;
}

/** A cache entry's name: the URL and a fingerprint of the credentials, hashed. */
function cacheKey(repositoryUrl: string, credentials: GitCredentials | undefined): string {
  const identity =
    credentials?.kind === 'https-token'
      ? ['https-token', credentials.username ?? 'x-access-token', credentials.token]
      : credentials?.kind === 'ssh-key'
        ? ['ssh-key', credentials.privateKey, credentials.knownHosts ?? '']
        : ['anonymous'];
  return createHash('sha256').update(JSON.stringify([repositoryUrl, ...identity])).digest('hex').slice(0, 40);
}

/** Creates the bare repository if it is missing: built aside, then renamed into place. */
async function createBareRepository(repoDir: string, options: RunGitOptions): Promise<void> {
  if (existsSync(join(repoDir, 'HEAD'))) return;
  const building = `${repoDir}.${randomBytes(6).toString('hex')}.tmp`;
  await mkdir(building, { recursive: true });
  try {
    const { GIT_DIR: _cacheDir, ...env } = options.env;
    await runGit(['init', '--quiet', '--bare', building], { ...options, env });
    await rename(building, repoDir).catch((error: NodeJS.ErrnoException) => {
      // Another process created it first: use theirs.
      if (!existsSync(join(repoDir, 'HEAD'))) throw error;
    });
  } finally {
    await rm(building, { recursive: true, force: true });
  }
}

async function emptyDirectory(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
}
