import { randomBytes } from 'node:crypto';
import {
  advance,
  claimPhase,
  failPhase,
  LeaseLostError,
  loadPlanArchive,
  finishApply,
  PlanDetailsRequiredError,
  recordPlan,
  recordPlanSummary,
  storeState,
  systemScope,
  type AccountScope,
  type CoreServices,
  type PhaseInputs,
  type PlanOutcome,
  type ResourceChange,
} from '@gantry/core';
import type { RunEvent, RunState } from '@gantry/domain';
import type { RunPhaseJob } from '@gantry/queue';
import {
  RunCanceledError,
  RunnerError,
  runApplyPhase,
  runPlanPhase,
  stateOutOf,
  StepTimer,
  type ApplyPhaseResult,
  type ApplyStage,
  type PhaseTimings,
  type PlannedWorkspace,
  type PlanPhaseInput,
  type PlanSummary,
  type VendorBinaryConfig,
} from '@gantry/runner';
import { GitError, redactUrl, type CommitDetails, type RepositoryCache } from '@gantry/vcs';
import { PhaseSession } from './phase-session.ts';

export interface PhaseJobContext {
  services: CoreServices;
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
  workDir: string;
  vendorConfig: VendorBinaryConfig;
  /** Start OpenTofu's next commands ahead of time, held until their turn (runner's held-process.ts). */
  heldStarts?: boolean;
  /** The worker's repository cache (null: every plan fetches its commit afresh). */
  repositoryCache: RepositoryCache | null;
  /** Aborted when the worker shuts down: repeatable work is handed back, applies run to the end. */
  shutdown: AbortSignal;
  /** Aborted when the worker must stop at once: every phase stops, applies included. */
  interrupt?: AbortSignal;
  log?: (message: string) => void;
}

export interface PhaseJobOutcome {
  /** What happened, for the worker's own log. */
  summary: string;
  /** Milliseconds per step: the worker's own (claim, transitions, log) and the runner's (prefixed). */
  timings: PhaseTimings;
}

type StackOfRun = { id: string; vendor: 'OPENTOFU' | 'TERRAFORM'; autodeploy: boolean; repositoryUrl: string; branch: string; projectRoot: string };

const isLeaseLost = (error: unknown) => error instanceof LeaseLostError;

/** Account scopes of the worker's own actor, reused for a while (the account row rarely changes). */
const scopes = new Map<string, { scope: Promise<AccountScope>; until: number }>();
const SCOPE_TTL_MS = 60_000;

function accountScope(ctx: PhaseJobContext, accountId: string): Promise<AccountScope> {
  const cached = scopes.get(accountId);
  if (cached && cached.until > Date.now()) return cached.scope;
  const actor = { kind: 'WORKER' as const, id: ctx.workerId, name: `worker ${ctx.workerId}` };
  const scope = systemScope(ctx.services, accountId, actor);
  if (scopes.size > 1000) scopes.clear();
  scopes.set(accountId, { scope, until: Date.now() + SCOPE_TTL_MS });
  scope.catch(() => scopes.delete(accountId));
  return scope;
}

type Resolved = { sha: string } | { error: unknown };

/**
 * The branch head of a run that has no commit yet (a network round trip), asked as soon as the claim
 * has locked the run and its stack, while the claim commits.
 */
class BranchHead {
  private readonly controller = new AbortController();
  private asked: Promise<Resolved> | null = null;

  constructor(
    private readonly ctx: PhaseJobContext,
    private readonly timer: StepTimer,
  ) {}

  ask(repositoryUrl: string, branch: string): void {
    this.asked ??= this.timer
      .measure('resolve', () => this.ctx.services.resolveCommit({ repositoryUrl, branch, signal: this.controller.signal }))
      .then(({ sha }) => ({ sha }), (error: unknown) => ({ error }));
  }

  /** The answer, if it was asked. */
  get result(): Promise<Resolved> | null {
    return this.asked;
  }

  stop(): void {
    this.controller.abort();
  }
}

/**
 * What a run's error and log say about a failure. OpenTofu's and git's errors are the user's to read
 * and fix; anything else is Gantry's own failure, whose message can hold internals (queries, paths,
 * hosts): the run gets a generic sentence with a reference, the worker's log the details under the
 * same reference.
 */
function failureMessage(ctx: PhaseJobContext, runId: string, error: unknown): string {
  if (error instanceof RunnerError || error instanceof GitError) return error.message;
  const reference = randomBytes(4).toString('hex');
  const details = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  ctx.log?.(`run ${runId}: internal error, reference ${reference}: ${details}`);
  return `Gantry failed to run this phase (internal error, reference ${reference})`;
}

function toResourceChanges(summary: PlanSummary): ResourceChange[] {
  return summary.resourceChanges.map((change) => ({
    address: change.address,
    action: change.action,
    actions: change.actions,
    before: change.before,
    after: change.after,
    afterUnknown: change.afterUnknown,
  }));
}

/** What recordPlan stores of a plan besides its archive (the summary may follow later: null). */
function planDetails(result: { hasChanges: boolean; planFileSha256: string }, summary: PlanSummary | null): Omit<PlanOutcome, 'archive'> {
  return {
    hasChanges: result.hasChanges,
    summary,
    resourceChanges: summary ? toResourceChanges(summary) : null,
    planFileSha256: result.planFileSha256,
  };
}

function addTimings(timer: StepTimer, prefix: string, timings: PhaseTimings): void {
  for (const [step, ms] of Object.entries(timings)) timer.add(`${prefix}.${step}`, ms);
}

/**
 * Runs one job of the runs queue. Returns what happened (and where the time went), for the worker's
 * own log; failures of the run itself are recorded on the run, not thrown (a thrown error is a bug
 * or an outage).
 */
export async function runPhaseJob(ctx: PhaseJobContext, job: RunPhaseJob): Promise<PhaseJobOutcome> {
  const timer = new StepTimer();
  const scope = await timer.measure('scope', () => accountScope(ctx, job.accountId));
  // A plan without a commit needs the head of its branch: asked as soon as the claim has the run and
  // its stack locked (their repository and branch as claimed), while the claim commits.
  const branchHead = job.phase === 'plan' ? new BranchHead(ctx, timer) : null;
  const claimed = await timer
    .measure('claim', () =>
      claimPhase(scope, job.runId, job.phase, { id: ctx.workerId, leaseMs: ctx.leaseMs }, {
        onLocked: ({ run, stack }) => {
          if (!run.commitSha) branchHead?.ask(stack.repositoryUrl, stack.branch);
        },
      }),
    )
    .catch((error: unknown) => {
      branchHead?.stop();
      throw error;
    });
  if (!claimed) {
    branchHead?.stop();
    return { summary: 'stale job (run not waiting for this phase)', timings: timer.snapshot() };
  }
  const { run, stack, leaseToken, inputs } = claimed;
  const resolving = run.commitSha ? null : (branchHead?.result ?? null);
  if (!resolving) branchHead?.stop();

  const session = await timer.measure('open', () => PhaseSession.open(ctx, scope, run.id, leaseToken, run.state, claimed.logMaxSeq));
  session.abort.signal.addEventListener('abort', () => branchHead?.stop(), { once: true });
  const step = (event: RunEvent, update?: Parameters<typeof advance>[4]['update']) =>
    timer.measure(`transition.${event.type}`, () =>
      advance(scope, run.id, leaseToken, event, { actorId: ctx.workerId, stackId: stack.id, ...(update ? { update } : {}) }),
    );

  try {
    if (job.phase === 'apply') {
      const stored = await timer.measure('loadArchive', () => loadPlanArchive(scope, run.id));
      await applyPhase(ctx, session, timer, stack, inputs, { kind: 'archive', ...stored }, false);
      return { summary: 'applied', timings: timer.snapshot() };
    }
    if (job.phase === 'perform') {
      session.info('PREPARING', 'Tasks are not supported by this worker yet');
      await session.closeLog();
      await failPhase(scope, run.id, leaseToken, 'Tasks are not supported by this worker yet', ctx.workerId);
      return { summary: 'task refused', timings: timer.snapshot() };
    }

    // Plan phase. A run without a commit gets the branch head now; the SHA is recorded with the
    // INITIALIZING transition, before any OpenTofu process runs, so the run records what it ran
    // (a phase handed to another worker before that resolves again: nothing ran yet).
    let sha = run.commitSha;
    if (resolving) {
      session.info('PREPARING', `Resolving branch "${stack.branch}" of ${redactUrl(stack.repositoryUrl)}`);
      const resolved = await timer.measure('resolve.wait', () => resolving);
      if ('error' in resolved) {
        const error = resolved.error;
        if (session.reason || isLeaseLost(error)) throw error;
        const message = failureMessage(ctx, run.id, error);
        const details = error instanceof GitError && error.stderr && !message.includes(error.stderr.trim()) ? `\n${error.stderr.trim()}` : '';
        session.info('PREPARING', `Error: ${message}${details}`);
        await session.closeLog();
        await failPhase(scope, run.id, leaseToken, message, ctx.workerId);
        return { summary: 'failed resolving the commit', timings: timer.snapshot() };
      }
      sha = session.unrecordedCommitSha = resolved.sha;
      session.info('PREPARING', `Branch "${stack.branch}" is at ${sha}`);
    }
    if (!sha) throw new Error('The run has no commit');

    // An autodeploy plan is applied right here, in the workspace it was made in: no archive is packed,
    // stored or unpacked. Anything else may be confirmed later and applied by any worker: archive.
    const applyHere = stack.autodeploy && run.type === 'TRACKED';
    let commit: CommitDetails | null = null;
    const planInput: PlanPhaseInput = {
      workRoot: ctx.workDir,
      source: { repositoryUrl: stack.repositoryUrl, sha, projectRoot: stack.projectRoot },
      vendor: { kind: stack.vendor },
      variables: inputs.variables,
      stateIn: inputs.state,
      log: (stage, text) => session.write(stage, text),
      onCheckout: (details) => {
        commit = details;
      },
      // INITIALIZING and PLANNING are recorded while init and plan start (their work is repeatable and
      // stays in the workspace; a refused transition stops the phase). The commit (resolved now, and
      // its message from the checkout) goes with the first of them; nothing a plan produces is
      // recorded before both are.
      onStage: (stage) => {
        if (stage === 'INITIALIZING') {
          const update = {
            ...(session.unrecordedCommitSha ? { commitSha: session.unrecordedCommitSha } : {}),
            ...(commit ? { commitMessage: (commit as CommitDetails).message } : {}),
          };
          session.pipeline(async () => {
            await step({ type: 'START_INITIALIZING' }, update);
            session.unrecordedCommitSha = null;
          });
        }
        if (stage === 'PLANNING') session.pipeline(() => step({ type: 'START_PLANNING' }));
      },
      signal: session.abort.signal,
      vendorConfig: ctx.vendorConfig,
      heldStarts: ctx.heldStarts ?? true,
      ...(ctx.repositoryCache ? { repositoryCache: ctx.repositoryCache } : {}),
    };
    if (!applyHere) {
      // The plan (and its archive, packed while `show -json` runs) is recorded; the phase ends there,
      // unless autodeploy was switched on since the claim (then it is applied from the archive).
      const result = await runPlanPhase(planInput);
      addTimings(timer, 'plan', result.timings);
      const outcome: PlanOutcome = { ...planDetails(result, result.summary), archive: result.archive };
      await timer.measure('settle', () => session.settled());
      const planned = await timer.measure('recordPlan', () =>
        session.endLogWith((logTail) => recordPlan(scope, run.id, leaseToken, outcome, ctx.workerId, logTail)),
      );
      if (planned.state !== 'APPLYING') return { summary: `planned (${planned.state})`, timings: timer.snapshot() };
      await applyPhase(ctx, session, timer, stack, inputs, { kind: 'archive', archive: result.archive, planFileSha256: planned.planFileSha256! }, true);
      return { summary: 'planned and applied (autodeploy)', timings: timer.snapshot() };
    }

    // Autodeploy: the workspace stays here and the plan is applied in it at once; nothing is packed.
    const result = await runPlanPhase({ ...planInput, workspace: 'retain' });
    addTimings(timer, 'plan', result.timings);
    const kept = result.workspace;
    try {
      await timer.measure('settle', () => session.settled());
      // With changes, the run goes on to APPLYING with neither summary nor archive...
      let planned = result.hasChanges
        ? await timer
            .measure('recordPlan', () =>
              recordPlan(scope, run.id, leaseToken, { ...planDetails(result, null), archive: null }, ctx.workerId),
            )
            .catch((error: unknown) => {
              if (error instanceof PlanDetailsRequiredError) return null;
              throw error;
            })
        : null;
      if (!planned) {
        // ...unless there is nothing to apply or autodeploy was switched off since the claim: then the
        // plan is recorded with its summary (and its archive if it waits for a confirmation), and the
        // phase ends.
        const described = await timer.measure('describe', () => kept.describe());
        const archive = result.hasChanges && run.type === 'TRACKED' ? await timer.measure('archive', () => kept.archive()) : null;
        const outcome: PlanOutcome = { ...planDetails(result, described.summary), archive };
        planned = await timer.measure('recordPlan', () =>
          session.endLogWith((logTail) => recordPlan(scope, run.id, leaseToken, outcome, ctx.workerId, logTail)),
        );
      }
      if (planned.state !== 'APPLYING') return { summary: `planned (${planned.state})`, timings: timer.snapshot() };

      // APPLYING: the plan just recorded is applied here (its hash checked again), while OpenTofu
      // describes it for the run's summary, which is recorded before the run finishes.
      const describing = timer
        .measure('describe∥apply', () => kept.describe({ log: (text) => session.write('APPLYING', text), signal: session.abort.signal }))
        .then((described) =>
          timer.measure('recordPlanSummary', () =>
            recordPlanSummary(scope, run.id, leaseToken, { summary: described.summary, resourceChanges: toResourceChanges(described.summary) }),
          ),
        );
      describing.catch(() => undefined);
      await applyPhase(ctx, session, timer, stack, inputs, { kind: 'kept', workspace: kept, planFileSha256: planned.planFileSha256! }, true, async () => {
        try {
          await describing;
        } catch (error) {
          // The apply has run: a plan that cannot be described leaves the run without its summary only.
          if (!isLeaseLost(error) && !session.reason) session.info('APPLYING', `The plan's summary could not be recorded: ${failureMessage(ctx, run.id, error)}`);
        }
      });
      return { summary: 'planned and applied (autodeploy, in place)', timings: timer.snapshot() };
    } finally {
      await kept.dispose();
    }
  } catch (error) {
    return { summary: await handlePhaseError(ctx, session, error), timings: timer.snapshot() };
  } finally {
    await timer.measure('end', () => session.end());
  }
}

type PlanToApply =
  | { kind: 'archive'; archive: Buffer; planFileSha256: string }
  | { kind: 'kept'; workspace: PlannedWorkspace; planFileSha256: string };

async function applyPhase(
  ctx: PhaseJobContext,
  session: PhaseSession,
  timer: StepTimer,
  stack: StackOfRun,
  inputs: PhaseInputs,
  plan: PlanToApply,
  alreadyApplying: boolean,
  /** Awaited once the apply ended, before the run is finished or failed (the plan's summary being recorded). Must not throw. */
  afterApply?: () => Promise<void>,
): Promise<void> {
  const { scope, runId, leaseToken } = session;
  const step = (event: RunEvent) =>
    timer.measure(`transition.${event.type}`, () => advance(scope, runId, leaseToken, event, { actorId: ctx.workerId, stackId: stack.id }));
  // For autodeploy the run is APPLYING already: its whole log belongs there.
  const tag = (stage: ApplyStage): RunState => (alreadyApplying ? 'APPLYING' : stage);
  // An autodeploy run is APPLYING already: a shutdown can no longer hand it back.
  if (alreadyApplying) session.applying = true;
  const applyInput = {
    expectedPlanSha256: plan.planFileSha256,
    vendor: { kind: stack.vendor },
    variables: inputs.variables,
    // The state the plan was made against (the stack lock keeps it current).
    stateIn: inputs.state,
    log: (stage: ApplyStage, text: string) => session.write(tag(stage), text),
    onStage: async (stage: ApplyStage) => {
      if (stage !== 'APPLYING' || alreadyApplying) return;
      if (session.reason === 'shutdown') throw new RunCanceledError('The worker is shutting down');
      // From here on infrastructure may change: a shutdown waits for the apply to end.
      session.applying = true;
      await step({ type: 'START_APPLYING' });
    },
    signal: session.abort.signal,
    vendorConfig: ctx.vendorConfig,
    // Whose apply it is, should this worker die during it (workspace-roots.ts tells the run).
    applyLabel: { accountId: scope.account.id, runId },
    heldStarts: ctx.heldStarts ?? true,
  };
  let result: ApplyPhaseResult;
  try {
    result =
      plan.kind === 'kept'
        ? await plan.workspace.apply(applyInput)
        : await runApplyPhase({ ...applyInput, workRoot: ctx.workDir, archive: plan.archive });
  } catch (error) {
    await afterApply?.();
    const stateOut = stateOutOf(error);
    if (stateOut) {
      // Whatever the apply changed before failing must be in the state the next run starts from.
      await timer.measure('storeState', () => storeState(scope, stack.id, runId, stateOut));
    }
    throw error;
  }
  addTimings(timer, 'apply', result.timings);
  await afterApply?.();
  // The state the apply left, the log's end and FINISHED, in one transaction.
  await timer.measure('finishApply', () =>
    session.endLogWith((logTail) => finishApply(scope, runId, leaseToken, { stackId: stack.id, stateOut: result.stateOut }, ctx.workerId, logTail)),
  );
}

async function handlePhaseError(ctx: PhaseJobContext, session: PhaseSession, thrown: unknown): Promise<string> {
  const { scope, runId, leaseToken } = session;
  // A refused pipelined transition is why the phase stopped; any other transition comes after them.
  const error = (await session.pipelineFailure()) ?? thrown;
  if (session.reason === 'stopped') {
    session.info(session.lastState, 'Stopped by request');
    return 'stopped';
  }
  if (session.reason === 'lease-lost' || isLeaseLost(error)) {
    ctx.log?.(`run ${runId}: lease lost; leaving the run to whoever holds it`);
    return 'lease lost';
  }
  await session.closeLog();
  if (session.reason === 'shutdown' && !session.applying) {
    try {
      await advance(scope, runId, leaseToken, { type: 'REQUEUE' }, { actorId: ctx.workerId, reason: `Worker ${ctx.workerId} shut down; the phase goes to another worker` });
      return 'handed back (shutdown)';
    } catch (requeueError) {
      ctx.log?.(`run ${runId}: could not hand back: ${(requeueError as Error).message}`);
    }
  }
  const message = failureMessage(ctx, runId, error);
  try {
    await failPhase(scope, runId, leaseToken, message, ctx.workerId, { commitSha: session.unrecordedCommitSha });
  } catch (failError) {
    if (!isLeaseLost(failError)) throw failError;
  }
  return `failed: ${message}`;
}
