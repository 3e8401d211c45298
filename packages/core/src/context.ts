import type { TenantDb } from '@gantry/db';
import type { RunState } from '@gantry/domain';
import type { SecretBox } from './crypto/secret-box.ts';
import type { CommitPins } from './runs/pin-commit.ts';

/** Who does something: shown in timelines and audit entries. */
export type Actor =
  | { kind: 'USER'; id: string; name: string }
  | { kind: 'WORKER'; id: string; name?: string }
  | { kind: 'SYSTEM'; id?: null; name?: string };

export const SYSTEM_ACTOR: Actor = { kind: 'SYSTEM', name: 'Gantry' };

export type Role = 'ADMIN' | 'WRITER' | 'READER';

export interface RunStateChanged {
  runId: string;
  accountId: string;
  stackId: string;
  state: RunState;
  at: Date;
  reason: string | null;
}

/** Live notifications after a transition committed. Best effort: never throws, never blocks long. */
export interface RunEventsPublisher {
  stateChanged(event: RunStateChanged): void;
}

export const NO_EVENTS: RunEventsPublisher = { stateChanged() {} };

export interface ResolvedCommitInfo {
  sha: string;
  /** Known when the resolver read the commit; the worker fills it from the checkout otherwise. */
  message?: string | null;
}

/**
 * Finds the head commit of a branch, when a worker starts a run that has no commit yet
 * (packages/vcs `resolveBranchHead` in production: one `git ls-remote`, the SHA only).
 */
export type CommitResolver = (input: { repositoryUrl: string; branch: string; signal?: AbortSignal }) => Promise<ResolvedCommitInfo>;

/** What use-cases may use besides the tenant handle. Holds no raw database access. */
export interface ScopeServices {
  readonly secretBox: SecretBox;
  readonly events: RunEventsPublisher;
  readonly resolveCommit: CommitResolver;
  /**
   * How long a run that got the stack lock (READY) is left to a worker before the trigger's process
   * pins it to its branch head itself (pin-commit.ts). A run that waits in QUEUED is pinned at once.
   */
  readonly commitPinDelayMs: number;
  /** The commit pins these services started (closing the services drops them). */
  readonly commitPins: CommitPins;
  readonly now: () => Date;
}

/**
 * Everything an account-scoped use-case gets: the tenant-scoped data handle, the account, who acts
 * and with which role (null for Gantry's own workers and reapers, which may do anything).
 */
export interface AccountScope {
  readonly db: TenantDb;
  readonly account: { readonly id: string; readonly slug: string; readonly name: string };
  readonly actor: Actor;
  readonly role: Role | null;
  readonly services: ScopeServices;
}
