import {
  advance,
  claimPhase,
  createLogChunkStore,
  failPhase,
  heartbeat,
  LeaseLostError,
  loadPhaseInputs,
  loadPlanArchive,
  recordCommit,
  recordPlan,
  storeState,
  systemScope,
  type AccountScope,
  type CoreServices,
  type ResourceChange,
} from '@gantry/core';
import type { RunState } from '@gantry/domain';
import { createRunLogWriter, type RunLogWriter } from '@gantry/logs';
import type { RunPhaseJob } from '@gantry/queue';
import {
  RunCanceledError,
  RunnerError,
  runApplyPhase,
  runPlanPhase,
  stateOutOf,
  type ApplyStage,
  type PlanPhaseResult,
  type VendorBinaryConfig,
} from '@gantry/runner';
import { GitError, redactUrl, resolveRef } from '@gantry/vcs';

const GANTRY_PREFIX = '\u001b[1;36m[gantry]\u001b[0m ';

export interface PhaseJobContext {
  services: CoreServices;
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
  workDir: string;
  vendorConfig: VendorBinaryConfig;
  /** Aborted when the worker shuts down: repeatable work is handed back, applies run to the end. */
  shutdown: AbortSignal;
  log?: (message: string) => void;
}

type AbortReason = 'stopped' | 'lease-lost' | 'shutdown';

/** One leased phase: heartbeat, cancellation and the log writer. */
class PhaseSession {
  readonly abort = new AbortController();
  reason: AbortReason | null = null;
  /** Whether infrastructure may be changing now (a shutdown must then wait, not abort). */
  applying = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly onShutdown = () => {
    if (!this.applying) this.stop('shutdown');
  };

  constructor(
    private readonly ctx: PhaseJobContext,
    readonly scope: AccountScope,
    readonly runId: string,
    readonly leaseToken: string,
    readonly log: RunLogWriter,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.beat(), this.ctx.heartbeatMs);
    this.ctx.shutdown.addEventListener('abort', this.onShutdown);
    if (this.ctx.shutdown.aborted) this.onShutdown();
  }

  private async beat(): Promise<void> {
    try {
      const result = await heartbeat(this.scope, this.runId, this.leaseToken, this.ctx.leaseMs);
      if (!result.held) this.stop(result.state === 'STOPPED' ? 'stopped' : 'lease-lost');
    } catch (error) {
      // A missed heartbeat is not fatal: the lease is several heartbeats long.
      this.ctx.log?.(`heartbeat of run ${this.runId} failed: ${(error as Error).message}`);
    }
  }

  stop(reason: AbortReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.abort.abort();
  }

  /** Writes output tagged with `state` (masked already by the runner). */
  write(state: RunState, text: string): void {
    if (this.log.state !== state) this.log.setState(state);
    void this.log.write(text);
  }

  info(state: RunState, message: string): void {
    this.write(state, `${GANTRY_PREFIX}${message}\n`);
  }

  async end(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.ctx.shutdown.removeEventListener('abort', this.onShutdown);
    await this.log.close().catch((error: unknown) => this.ctx.log?.(`log of run ${this.runId} not fully stored: ${(error as Error).message}`));
  }
}

const isLeaseLost = (error: unknown) => error instanceof LeaseLostError;

function shortMessage(error: unknown): string {
  if (error instanceof RunnerError || error instanceof GitError) return error.message;
  return `Internal error: ${error instanceof Error ? error.message : String(error)}`;
}

function toResourceChanges(result: PlanPhaseResult): ResourceChange[] {
  return result.summary.resourceChanges.map((change) => ({
    address: change.address,
    action: change.action,
    actions: change.actions,
    before: change.before,
    after: change.after,
  }));
}

/**
 * Runs one job of the runs queue. Returns what happened, for the worker's own log; failures of the
 * run itself are recorded on the run, not thrown (a thrown error is a bug or an outage).
 */
export async function runPhaseJob(ctx: PhaseJobContext, job: RunPhaseJob): Promise<string> {
  const actor = { kind: 'WORKER' as const, id: ctx.workerId, name: `worker ${ctx.workerId}` };
  const scope = await systemScope(ctx.services, job.accountId, actor);
  const claimed = await claimPhase(scope, job.runId, job.phase, { id: ctx.workerId, leaseMs: ctx.leaseMs });
  if (!claimed) return 'stale job (run not waiting for this phase)';
  const { run, stack, leaseToken } = claimed;

  const log = await createRunLogWriter({
    redis: ctx.services.redis,
    store: createLogChunkStore(scope.db),
    runId: run.id,
    state: run.state,
    onError: (error, during) => ctx.log?.(`log ${during} of run ${run.id} failed: ${(error as Error).message}`),
  });
  const session = new PhaseSession(ctx, scope, run.id, leaseToken, log);
  session.start();
  const step = (event: Parameters<typeof advance>[3]) => advance(scope, run.id, leaseToken, event, { actorId: ctx.workerId });

  try {
    if (job.phase === 'apply') {
      await applyPhase(ctx, session, stack, null, false);
      return 'applied';
    }
    if (job.phase === 'perform') {
      await failPhase(scope, run.id, leaseToken, 'Tasks are not supported by this worker yet', ctx.workerId);
      return 'task refused';
    }

    // Plan phase.
    let sha = run.commitSha;
    if (!sha) {
      session.info('PREPARING', `Resolving branch "${stack.branch}" of ${redactUrl(stack.repositoryUrl)}`);
      try {
        const commit = await resolveRef({ repositoryUrl: stack.repositoryUrl, branch: stack.branch, signal: session.abort.signal });
        await recordCommit(scope, run.id, leaseToken, { sha: commit.sha, message: commit.message });
        sha = commit.sha;
        session.info('PREPARING', `Branch "${stack.branch}" is at ${commit.sha}: ${commit.message}`);
      } catch (error) {
        if (session.reason || isLeaseLost(error)) throw error;
        const message = shortMessage(error);
        const details = error instanceof GitError && error.stderr && !message.includes(error.stderr.trim()) ? `\n${error.stderr.trim()}` : '';
        session.info('PREPARING', `Error: ${message}${details}`);
        await failPhase(scope, run.id, leaseToken, message, ctx.workerId);
        return 'failed resolving the commit';
      }
    }

    const inputs = await loadPhaseInputs(scope, stack.id);
    const result = await runPlanPhase({
      workRoot: ctx.workDir,
      source: { repositoryUrl: stack.repositoryUrl, sha, projectRoot: stack.projectRoot },
      vendor: { kind: stack.vendor },
      variables: inputs.variables,
      stateIn: inputs.state,
      log: (stage, text) => session.write(stage, text),
      onStage: async (stage) => {
        if (stage === 'INITIALIZING') await step({ type: 'START_INITIALIZING' });
        if (stage === 'PLANNING') await step({ type: 'START_PLANNING' });
      },
      signal: session.abort.signal,
      vendorConfig: ctx.vendorConfig,
    });
    const planned = await recordPlan(
      scope,
      run.id,
      leaseToken,
      {
        hasChanges: result.hasChanges,
        summary: result.summary,
        resourceChanges: toResourceChanges(result),
        planFileSha256: result.planFileSha256,
        archive: result.archive,
      },
      ctx.workerId,
    );
    if (planned.state === 'APPLYING') {
      // Autodeploy: apply the plan just made, from its archive, on this worker.
      await applyPhase(ctx, session, stack, { archive: result.archive, planFileSha256: result.planFileSha256 }, true);
      return 'planned and applied (autodeploy)';
    }
    return `planned (${planned.state})`;
  } catch (error) {
    return await handlePhaseError(ctx, session, error);
  } finally {
    await session.end();
  }
}

async function applyPhase(
  ctx: PhaseJobContext,
  session: PhaseSession,
  stack: { id: string; vendor: 'OPENTOFU' | 'TERRAFORM' },
  plan: { archive: Buffer; planFileSha256: string } | null,
  alreadyApplying: boolean,
): Promise<void> {
  const { scope, runId, leaseToken } = session;
  const step = (event: Parameters<typeof advance>[3]) => advance(scope, runId, leaseToken, event, { actorId: ctx.workerId });
  // For autodeploy the run is APPLYING already: its whole log belongs there.
  const tag = (stage: ApplyStage): RunState => (alreadyApplying ? 'APPLYING' : stage);
  // An autodeploy run is APPLYING already: a shutdown can no longer hand it back.
  if (alreadyApplying) session.applying = true;
  const stored = plan ?? (await loadPlanArchive(scope, runId));
  const inputs = await loadPhaseInputs(scope, stack.id);
  try {
    const result = await runApplyPhase({
      workRoot: ctx.workDir,
      archive: stored.archive,
      expectedPlanSha256: stored.planFileSha256,
      vendor: { kind: stack.vendor },
      variables: inputs.variables,
      stateIn: inputs.state,
      log: (stage, text) => session.write(tag(stage), text),
      onStage: async (stage) => {
        if (stage !== 'APPLYING' || alreadyApplying) return;
        if (session.reason === 'shutdown') throw new RunCanceledError('The worker is shutting down');
        // From here on infrastructure may change: a shutdown waits for the apply to end.
        session.applying = true;
        await step({ type: 'START_APPLYING' });
      },
      signal: session.abort.signal,
      vendorConfig: ctx.vendorConfig,
    });
    if (result.stateOut) await storeState(scope, stack.id, runId, result.stateOut);
    await step({ type: 'APPLY_SUCCEEDED' });
  } catch (error) {
    const stateOut = stateOutOf(error);
    if (stateOut) {
      // Whatever the apply changed before failing must be in the state the next run starts from.
      await storeState(scope, stack.id, runId, stateOut);
    }
    throw error;
  }
}

async function handlePhaseError(ctx: PhaseJobContext, session: PhaseSession, error: unknown): Promise<string> {
  const { scope, runId, leaseToken } = session;
  if (session.reason === 'stopped') {
    session.info(session.log.state as RunState, 'Stopped by request');
    return 'stopped';
  }
  if (session.reason === 'lease-lost' || isLeaseLost(error)) {
    ctx.log?.(`run ${runId}: lease lost; leaving the run to whoever holds it`);
    return 'lease lost';
  }
  if (session.reason === 'shutdown' && !session.applying) {
    try {
      await advance(scope, runId, leaseToken, { type: 'REQUEUE' }, { actorId: ctx.workerId, reason: `Worker ${ctx.workerId} shut down; the phase goes to another worker` });
      return 'handed back (shutdown)';
    } catch (requeueError) {
      ctx.log?.(`run ${runId}: could not hand back: ${(requeueError as Error).message}`);
    }
  }
  const message = shortMessage(error);
  try {
    await failPhase(scope, runId, leaseToken, message, ctx.workerId);
  } catch (failError) {
    if (!isLeaseLost(failError)) throw failError;
  }
  return `failed: ${message}`;
}
