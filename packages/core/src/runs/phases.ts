import { createHash, randomUUID } from 'node:crypto';
import type { LogChunkRow, Prisma, Run, RunColumns, Stack, StoredPhaseInputs } from '@gantry/db';
import { DomainError, type RunEvent, type RunState } from '@gantry/domain';
import type { RunPhaseName } from '@gantry/queue';
import type { AccountScope } from '../context.ts';
import { sealContext } from '../crypto/secret-box.ts';
import { openRunVariables, type RunVariable } from '../env/variables.ts';
import { sealResourceChanges } from '../plans/resource-changes.ts';
import { newStateVersionInTx, openStoredState } from '../state/stack-state.ts';
import { AfterCommit } from './effects.ts';
import type { PlanSummary, ResourceChange } from './queries.ts';
import { applyRunEvent, applyRunEventInTx, LeaseLostError, lockRunInTx } from './transition.ts';

/** The worker slot taking a phase. */
export interface WorkerIdentity {
  /** Unique per worker process and slot, e.g. "host:pid:slot". */
  id: string;
  leaseMs: number;
}

export interface ClaimedPhase {
  run: Run;
  stack: Stack;
  leaseToken: string;
  /** The stack's variables and state, read under the claim's locks. */
  inputs: PhaseInputs;
  /** The highest stored seq of the run's log (null: none yet): where this phase's log goes on. */
  logMaxSeq: number | null;
}

/**
 * The end of a phase's log, handed over by its writer (`RunLogWriter.handOver` of @gantry/logs):
 * stored in the statement of the transition that ends the phase, instead of a transaction of its own
 * before it. `afterCommit` (the writer publishing the chunks to live readers) runs once that
 * transaction committed and before the transition is announced, so a viewer gets the last lines
 * before the new state; it must not throw. If the call fails, nothing of it was stored: the caller
 * stores the chunks itself (`LogHandOver.notStored`).
 */
export interface PhaseLogTail {
  chunks: readonly LogChunkRow[];
  afterCommit(): Promise<void>;
}

const CLAIM: Record<RunPhaseName, { from: RunState; event: RunEvent }> = {
  plan: { from: 'READY', event: { type: 'START_PREPARING' } },
  perform: { from: 'READY', event: { type: 'START_PREPARING' } },
  apply: { from: 'CONFIRMED', event: { type: 'START_PREPARING_APPLY' } },
};

/**
 * Takes the lease on a run's phase (READY → PREPARING, or CONFIRMED → PREPARING_APPLY), and reads
 * in the same transaction what the phase starts from (variables, state, the log's last seq: one
 * statement more instead of two transactions after it). Returns null when the run is not waiting
 * for this phase: the job is stale (canceled run, duplicate delivery), and the worker just drops it.
 */
export async function claimPhase(
  scope: AccountScope,
  runId: string,
  phase: RunPhaseName,
  worker: WorkerIdentity,
  options: {
    /**
     * Called once the run and its stack are locked and the run waits for this phase, before the claim
     * commits: to start work that needs them (resolving the branch head) a few round trips earlier.
     * The claim may still fail after it. Must not throw.
     */
    onLocked?: (locked: { run: Run; stack: Stack }) => void;
  } = {},
): Promise<ClaimedPhase | null> {
  const claim = CLAIM[phase];
  const leaseToken = randomUUID();
  const now = scope.services.now();
  const effects = new AfterCommit();
  const claimed = await scope.db.transaction(async (tx) => {
    // Locked first (one statement with the stack): the state read is the one the transition sees.
    const locked = await tx.lockRunAndStack(runId);
    if (!locked || locked.run.state !== claim.from) return null;
    const { run, stack } = locked;
    options.onLocked?.(locked);
    const updated = await applyRunEventInTx(
      tx,
      runId,
      claim.event,
      {
        actor: { kind: 'WORKER', id: worker.id, name: `worker ${worker.id}` },
        reason: null,
        locked: run,
        update: {
          leaseOwner: worker.id,
          leaseToken,
          leaseExpiresAt: new Date(now.getTime() + worker.leaseMs),
          heartbeatAt: now,
          phaseAttempts: { increment: 1 },
        },
      },
      now,
      effects,
    ).catch((error: unknown) => {
      // Not a transition this run accepts (it is locked, so this does not race).
      if (error instanceof DomainError && error.code === 'INVALID_STATE') return null;
      throw error;
    });
    if (!updated) return null;
    const { logMaxSeq, ...stored } = await tx.phaseStart(stack.id, runId);
    return { run: updated, stack, leaseToken, stored, logMaxSeq };
  });
  effects.publish(scope);
  if (!claimed) return null;
  // Secrets are opened after the transaction: no lock is held for CPU work.
  const { stored, ...rest } = claimed;
  return { ...rest, inputs: openPhaseInputs(scope, rest.stack.id, stored) };
}

export type HeartbeatResult = { held: true } | { held: false; state: RunState | null };

/**
 * Extends the lease. `held: false` means the worker must stop: the run was stopped, reaped or
 * handed to another worker (state says which).
 */
export async function heartbeat(scope: AccountScope, runId: string, leaseToken: string, leaseMs: number): Promise<HeartbeatResult> {
  const now = scope.services.now();
  const { count } = await scope.db.run.updateMany({
    where: { id: runId, leaseToken, state: { in: ['PREPARING', 'INITIALIZING', 'PLANNING', 'PREPARING_APPLY', 'APPLYING', 'PERFORMING'] } },
    data: { heartbeatAt: now, leaseExpiresAt: new Date(now.getTime() + leaseMs) },
  });
  if (count === 1) return { held: true };
  const run = await scope.db.run.findUnique({ where: { id: runId }, select: { state: true } });
  return { held: false, state: run?.state ?? null };
}

/** A worker's transition, refused unless it still holds the lease. */
export function advance(
  scope: AccountScope,
  runId: string,
  leaseToken: string,
  event: RunEvent,
  options: { reason?: string | null; update?: RunColumns; actorId: string; stackId?: string },
): Promise<Run> {
  return applyRunEvent(scope, runId, event, {
    actor: { kind: 'WORKER', id: options.actorId, name: `worker ${options.actorId}` },
    reason: options.reason ?? null,
    leaseToken,
    ...(options.update ? { update: options.update } : {}),
    ...(options.stackId ? { stackId: options.stackId } : {}),
  });
}

/** Records the commit resolved by the worker (when it could not be resolved at trigger time). */
export async function recordCommit(scope: AccountScope, runId: string, leaseToken: string, commit: { sha: string; message?: string | null }): Promise<void> {
  const { count } = await scope.db.run.updateMany({
    where: { id: runId, leaseToken },
    data: { commitSha: commit.sha, ...(commit.message != null ? { commitMessage: commit.message } : {}) },
  });
  if (count !== 1) throw new LeaseLostError(runId, 'PREPARING');
}

/**
 * Fails the phase with a short reason (the details are in the log). Lease-fenced. `commitSha`: the
 * commit the worker had resolved but not recorded yet (it failed before INITIALIZING).
 */
export async function failPhase(
  scope: AccountScope,
  runId: string,
  leaseToken: string,
  message: string,
  actorId: string,
  options: { commitSha?: string | null } = {},
): Promise<Run> {
  const update = { error: message, ...(options.commitSha ? { commitSha: options.commitSha } : {}) };
  return advance(scope, runId, leaseToken, { type: 'FAIL' }, { reason: message, update, actorId });
}

export interface PlanOutcome {
  hasChanges: boolean;
  /**
   * Counts and changes for display. May be null (with resourceChanges) when the run goes on to apply
   * at once (autodeploy): the worker then records them with recordPlanSummary while it applies.
   */
  summary: PlanSummary | null;
  resourceChanges: ResourceChange[] | null;
  planFileSha256: string;
  /**
   * The planned workspace, for an apply on any worker. May be null when the run goes on to apply at
   * once on the worker that planned it (autodeploy).
   */
  archive: Buffer | null;
}

/**
 * The plan does not go on to apply at once (autodeploy was switched off since the claim, or there is
 * nothing to apply), so recordPlan needs what a later reader needs: the summary, and the archive when
 * the plan waits for a confirmation. Nothing was changed; call again with them.
 */
export class PlanDetailsRequiredError extends DomainError {
  constructor(runId: string, missing: string[]) {
    super('PRECONDITION_FAILED', `The plan of run ${runId} does not go on to apply at once: its ${missing.join(' and ')} is required`, {
      missing,
    });
  }
}

/**
 * Stores a successful plan: encrypted workspace archive, summary, resource changes and plan hash, and
 * moves the run on in the same transaction: UNCONFIRMED, FINISHED (no changes, or a proposed run) or
 * APPLYING (autodeploy, read from the stack now). The archive is stored only while the plan may be
 * applied by any worker: an autodeploy run is applied by the worker that planned it, at once.
 */
export async function recordPlan(
  scope: AccountScope,
  runId: string,
  leaseToken: string,
  outcome: PlanOutcome,
  actorId: string,
  logTail?: PhaseLogTail,
): Promise<Run> {
  const now = scope.services.now();
  const effects = new AfterCommit();
  const archive = outcome.archive;
  const archiveSha256 = archive ? createHash('sha256').update(archive).digest('hex') : null;
  const run = await scope.db.transaction(
    async (tx) => {
      // The run and its stack, locked (autodeploy is read under the lock, as the transition sees it).
      const { run: current, stack } = await lockRunInTx(tx, runId);
      if (current.leaseToken !== leaseToken) throw new LeaseLostError(runId, current.state);
      // Only a plan that may be applied needs its workspace (proposed runs never apply).
      const applicable = outcome.hasChanges && current.type !== 'PROPOSED';
      const missing = [
        ...(applicable || outcome.summary ? [] : ['summary']),
        ...(applicable && !stack.autodeploy && !outcome.summary ? ['summary'] : []),
        ...(applicable && !stack.autodeploy && !archive ? ['workspace archive'] : []),
      ];
      if (missing.length > 0) throw new PlanDetailsRequiredError(runId, missing);
      if (applicable && archive && archiveSha256) {
        const ciphertext = scope.services.secretBox.seal(archive, sealContext.archive(tx.accountId, runId));
        await tx.workspaceArchive.upsert({
          where: { runId_accountId: { runId, accountId: tx.accountId } },
          create: {
            accountId: tx.accountId,
            runId,
            ciphertext,
            sha256: archiveSha256,
            sizeBytes: archive.length,
            planFileSha256: outcome.planFileSha256,
          },
          update: { ciphertext, sha256: archiveSha256, sizeBytes: archive.length, planFileSha256: outcome.planFileSha256 },
        });
      }
      return applyRunEventInTx(
        tx,
        runId,
        { type: 'PLAN_SUCCEEDED', hasChanges: outcome.hasChanges, autodeploy: stack.autodeploy },
        {
          actor: { kind: 'WORKER', id: actorId, name: `worker ${actorId}` },
          leaseToken,
          locked: current,
          reason: outcome.hasChanges ? (stack.autodeploy ? 'Autodeploy: applying the plan' : null) : 'No changes',
          update: {
            hasChanges: outcome.hasChanges,
            planFileSha256: outcome.planFileSha256,
            ...(outcome.summary ? summaryColumns(scope, tx.accountId, runId, outcome.summary, outcome.resourceChanges ?? []) : {}),
          },
          logChunks: logTail?.chunks ?? null,
        },
        now,
        effects,
      );
    },
    { timeoutMs: 60_000 },
  );
  await logTail?.afterCommit();
  effects.publish(scope);
  return run;
}

function summaryColumns(
  scope: AccountScope,
  accountId: string,
  runId: string,
  summary: PlanSummary,
  resourceChanges: ResourceChange[],
): { planSummary: Prisma.InputJsonValue; resourceChangesCiphertext: Uint8Array<ArrayBuffer> } {
  const { add, change, destroy, replace } = summary;
  return {
    planSummary: { add, change, destroy, replace },
    resourceChangesCiphertext: sealResourceChanges(scope.services.secretBox, accountId, runId, resourceChanges),
  };
}

/** Records the summary of a plan that went on to apply before it was described (autodeploy). Lease-fenced. */
export async function recordPlanSummary(
  scope: AccountScope,
  runId: string,
  leaseToken: string,
  described: { summary: PlanSummary; resourceChanges: ResourceChange[] },
): Promise<void> {
  const { count } = await scope.db.run.updateMany({
    where: { id: runId, leaseToken },
    data: summaryColumns(scope, scope.account.id, runId, described.summary, described.resourceChanges),
  });
  if (count !== 1) {
    const run = await scope.db.run.findUnique({ where: { id: runId }, select: { state: true } });
    throw new LeaseLostError(runId, run?.state ?? 'FAILED');
  }
}

/**
 * Ends a successful apply: stores the state it left (a new version when it differs) and moves the
 * run to FINISHED, in one transaction, so a finished run always has its state and a stored state
 * never belongs to a run that still looks unfinished.
 */
export async function finishApply(
  scope: AccountScope,
  runId: string,
  leaseToken: string,
  result: { stackId: string; stateOut: Buffer | null },
  actorId: string,
  logTail?: PhaseLogTail,
): Promise<Run> {
  const now = scope.services.now();
  const effects = new AfterCommit();
  const run = await scope.db.transaction(async (tx) => {
    // The stack and the run are locked first, as every transition does; the state version is read
    // under that lock and written with the transition, in the same statement.
    const { run: locked } = await lockRunInTx(tx, runId, result.stackId);
    const stackState = result.stateOut ? await newStateVersionInTx(scope, tx, result.stackId, runId, result.stateOut) : null;
    return applyRunEventInTx(
      tx,
      runId,
      { type: 'APPLY_SUCCEEDED' },
      { actor: { kind: 'WORKER', id: actorId, name: `worker ${actorId}` }, leaseToken, reason: null, locked, stackState, logChunks: logTail?.chunks ?? null },
      now,
      effects,
    );
  });
  await logTail?.afterCommit();
  effects.publish(scope);
  return run;
}

/** The planned workspace for apply: decrypted and checked against the hash stored with it. */
export async function loadPlanArchive(scope: AccountScope, runId: string): Promise<{ archive: Buffer; planFileSha256: string }> {
  const row = await scope.db.workspaceArchive.findUnique({ where: { runId_accountId: { runId, accountId: scope.account.id } } });
  if (!row) throw new DomainError('PRECONDITION_FAILED', `Run ${runId} has no stored plan to apply`);
  const archive = scope.services.secretBox.open(row.ciphertext, sealContext.archive(scope.account.id, runId));
  const sha256 = createHash('sha256').update(archive).digest('hex');
  if (sha256 !== row.sha256) throw new DomainError('PRECONDITION_FAILED', `The stored plan of run ${runId} is corrupt (hash mismatch)`);
  return { archive, planFileSha256: row.planFileSha256 };
}

export interface PhaseInputs {
  variables: RunVariable[];
  state: Buffer | null;
  stateVersion: number | null;
}

/** Decrypted variables and the stack's current state for a phase. */
function openPhaseInputs(scope: AccountScope, stackId: string, stored: StoredPhaseInputs): PhaseInputs {
  const state = stored.state ? openStoredState(scope, stackId, stored.state) : null;
  return { variables: openRunVariables(scope, stackId, stored.variables), state: state?.bytes ?? null, stateVersion: state?.version ?? null };
}
