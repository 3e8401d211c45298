import { join } from 'node:path';
import {
  checkoutCommit,
  GitAbortedError,
  GitError,
  redactUrl,
  type CommitDetails,
  type GitCredentials,
  type RepositoryCache,
} from '@gantry/vcs';
import { RunCanceledError, RunnerError } from '../errors.ts';
import { parsePlanJson, PlanJsonError, type PlanJson } from '../plan/plan-json.ts';
import { summarizePlan, type PlanSummary } from '../plan/summarize.ts';
import { buildRunEnvironment, type RunVariable } from '../process/environment.ts';
import {
  resolveVendorBinary,
  vendorCommandName,
  type VendorBinaryConfig,
  type VendorSpec,
} from '../vendor/binary.ts';
import { vendorVersion } from '../vendor/version.ts';
import { sha256File } from '../workspace/archive.ts';
import { createPlanArchive, PLAN_FILE, SOURCE_DIR, writePlanManifest, type PlanArchiveManifest } from '../workspace/plan-archive.ts';
import { findDeclaredBackend, writeLocalState } from '../workspace/state.ts';
import type { HeldProcess } from '../process/held-process.ts';
import {
  callerCallback,
  collectSecrets,
  DEFAULT_APPLY_KILL_GRACE_MS,
  DEFAULT_PLAN_KILL_GRACE_MS,
  PhaseContext,
  reportFailure,
  type VendorCommand,
} from './phase-context.ts';
import { PlannedWorkspace, type PlanDescription } from './planned-workspace.ts';
import { normalizeProjectRoot, resolveProjectDir } from './project-root.ts';
import type { PhaseTimings } from './timings.ts';

export type PlanStage = 'PREPARING' | 'INITIALIZING' | 'PLANNING';

export interface PlanPhaseInput {
  /** Directory under which the phase creates (and removes) its private workspace. */
  workRoot: string;
  source: {
    repositoryUrl: string;
    /** The commit recorded when the run was triggered. */
    sha: string;
    /** Directory of the configuration inside the repository ("" or undefined: the root). */
    projectRoot?: string;
    credentials?: GitCredentials;
  };
  vendor: VendorSpec;
  /** The stack's environment; TF_VAR_* reach OpenTofu as input variables. */
  variables: RunVariable[];
  /** Values to mask in the log, besides secret variables and credentials. */
  secrets?: string[];
  /** The run's short-lived credentials as environment variables. */
  credentials?: Record<string, string>;
  /** Current state of a Gantry-managed stack (written as ./terraform.tfstate); omit for a new stack. */
  stateIn?: Buffer | null;
  /** Receives the phase's output (masked, UTF-8, ANSI colours kept) per stage. */
  log: (stage: PlanStage, text: string) => void;
  /** Called (and awaited) before each stage starts, e.g. to record the run's transition. */
  onStage?: (stage: PlanStage) => Promise<void> | void;
  signal?: AbortSignal;
  /** Time limit of the whole phase. */
  timeoutMs?: number;
  /** Time between SIGINT and SIGKILL when stopping (default 10 s). */
  killGraceMs?: number;
  /** Keep the workspace directory after the phase (for debugging). */
  keepWorkspace?: boolean;
  /** Vendor binaries from the worker's configuration (default: GANTRY_TOFU_BIN / GANTRY_TERRAFORM_BIN). */
  vendorConfig?: VendorBinaryConfig;
  /** The worker's repository cache; without one, every plan fetches its commit afresh. */
  repositoryCache?: RepositoryCache;
  /** Told the checked-out commit's message and author as soon as they are known (PREPARING). */
  onCheckout?: (commit: CommitDetails) => void;
  /**
   * Start OpenTofu's processes ahead of time, held until their turn (process/held-process.ts), so
   * that their start-up runs beside the checkout and the previous command. Default true.
   */
  heldStarts?: boolean;
}

/**
 * A plan whose workspace stays on this worker as `workspace` (instead of being packed into
 * `archive` and removed): to apply it in place (autodeploy) without packing and unpacking it, or to
 * pack it later when the apply may happen elsewhere. The caller must `dispose()` it.
 */
export interface RetainingPlanPhaseInput extends PlanPhaseInput {
  workspace: 'retain';
}

interface PlanOutcome {
  /** The plan changes resources or outputs (OpenTofu's -detailed-exitcode). */
  hasChanges: boolean;
  /** `tofu show -json` of the plan file; holds unmasked values (incl. sensitive ones): store it as a secret. */
  planJson: PlanJson;
  /** Counts and changes for display, sensitive values and secrets masked. */
  summary: PlanSummary;
  /** SHA-256 (hex) of the plan file; apply refuses any other plan file. */
  planFileSha256: string;
  commitSha: string;
  /** Message and author of the commit, read from the checkout. */
  commit: CommitDetails;
  /** Declared backend type when the configuration keeps its own state (then stateIn was not used). */
  declaredBackend: string | null;
  /** Milliseconds per step (checkout, init, plan, show, archive, …), for profiling. */
  timings: PhaseTimings;
}

export interface PlanPhaseResult extends PlanOutcome {
  /** gzipped tar of the workspace for the apply phase (contains the plan; store encrypted). */
  archive: Buffer;
}

/**
 * A plan kept on this worker. Nothing more is done than planning: `workspace.describe()` runs
 * `show -json` when the caller wants the summary (an autodeploy run does it while applying),
 * `workspace.archive()` packs it, `workspace.apply()` applies it in place.
 */
export interface RetainedPlanResult extends Omit<PlanOutcome, 'planJson' | 'summary'> {
  workspace: PlannedWorkspace;
}

/**
 * Checks out the run's commit, runs `init` and `plan -out`, reads the plan as JSON and packs the
 * workspace for apply (or keeps it, with `workspace: 'retain'`). Failures throw a RunnerError
 * (RunCanceledError when stopped) whose message is short; the details are in the log.
 */
export function runPlanPhase(input: RetainingPlanPhaseInput): Promise<RetainedPlanResult>;
export function runPlanPhase(input: PlanPhaseInput): Promise<PlanPhaseResult>;
export async function runPlanPhase(input: PlanPhaseInput | RetainingPlanPhaseInput): Promise<PlanPhaseResult | RetainedPlanResult> {
  const secrets = collectSecrets(input.secrets, input.variables, input.credentials);
  const projectRoot = normalizeProjectRoot(input.source.projectRoot);
  const displayName = vendorCommandName(input.vendor.kind);
  const retain = 'workspace' in input && input.workspace === 'retain';
  if (input.signal?.aborted) throw new RunCanceledError();

  const context = await PhaseContext.create<PlanStage>({
    workRoot: input.workRoot,
    kind: 'plan',
    secrets,
    log: input.log,
    signal: input.signal,
    timeoutMs: input.timeoutMs,
    killGraceMs: input.killGraceMs ?? DEFAULT_PLAN_KILL_GRACE_MS,
    heldStarts: input.heldStarts,
  });
  const timer = context.timer;
  let stage: PlanStage = 'PREPARING';
  let kept = false;
  let archiving: Promise<Buffer> | null = null;
  try {
    await enterStage(context, input, stage);
    const binary = await resolveVendorBinary(input.vendor, input.vendorConfig);
    const env = buildRunEnvironment({
      workspaceDir: context.workspaceDir,
      vendorBinary: binary,
      variables: input.variables,
      credentials: input.credentials,
    });
    // The version goes into the log. It is asked once per binary and worker process, while git works.
    const version = timer.measure('version', () =>
      vendorVersion(binary, buildRunEnvironment({ workspaceDir: context.workspaceDir, vendorBinary: binary, variables: [] }), context.workspaceDir),
    );
    const sourceDir = join(context.workspaceDir, SOURCE_DIR);
    // The project directory as resolveProjectDir checks it after the checkout: held commands are
    // started with it before it exists (they change into it only once released).
    const projectDir = join(sourceDir, projectRoot);
    const command = (args: string[]): VendorCommand => ({ binary, displayName, args, cwd: projectDir, env });
    const planFile = join(context.workspaceDir, PLAN_FILE);
    const initCommand = command(['init', '-input=false']);
    const planCommand = command(['plan', '-input=false', '-detailed-exitcode', `-out=${planFile}`]);
    const holdingInitAndPlan = context.hold([{ command: initCommand }, { command: planCommand }]);
    context.info(stage, `Checking out commit ${input.source.sha} from ${redactUrl(input.source.repositoryUrl)}`);
    const commit = await timer.measure('checkout', () => checkout(context, input, sourceDir));
    context.info(stage, `Commit ${commit.sha.slice(0, 12)} by ${commit.author.name}: ${commit.message}`);
    input.onCheckout?.(commit);
    await resolveProjectDir(sourceDir, projectRoot, input.source.sha);

    const backend = await findDeclaredBackend(projectDir);
    if (backend) {
      context.info(stage, `The configuration declares a "${backend.type}" backend (${backend.file}); its state stays there`);
    } else if (input.stateIn && input.stateIn.length > 0) {
      await writeLocalState(projectDir, input.stateIn);
    }

    stage = 'INITIALIZING';
    await timer.measure('onStage', () => enterStage(context, input, stage));
    const versionText = await version;
    if (versionText) context.info(stage, versionText);
    const [heldInit, heldPlan] = await holdingInitAndPlan;
    await context.run(stage, 'init', initCommand, { held: heldInit });

    stage = 'PLANNING';
    await timer.measure('onStage', () => enterStage(context, input, stage));
    // What follows the plan starts while it plans: `show -json` always, the apply of a kept plan
    // (autodeploy applies it here) speculatively; `show` may run beside the apply, at a lower CPU
    // priority, so the apply on the run's critical path keeps the CPU when they compete for it.
    const showCommand = command(['show', '-json', planFile]);
    const applyCommand = command(['apply', '-input=false', planFile]);
    const holdingNext = context.hold([
      { command: showCommand, lowPriority: true, captureStdout: true },
      ...(retain ? [{ command: applyCommand, killGraceMs: DEFAULT_APPLY_KILL_GRACE_MS }] : []),
    ]);
    const plan = await context.run(stage, 'plan', planCommand, { held: heldPlan, okExitCodes: [0, 2] });
    const [heldShow = null, heldApply = null] = await holdingNext;
    const manifest: PlanArchiveManifest = {
      format: 1,
      projectRoot,
      planFile: PLAN_FILE,
      commitSha: input.source.sha,
      vendor: input.vendor.kind,
      createdAt: new Date().toISOString(),
    };
    await writePlanManifest(context.workspaceDir, manifest);
    const planFileSha256 = await timer.measure('hash', () => sha256File(planFile));
    const base = {
      hasChanges: plan.exitCode === 2,
      planFileSha256,
      commitSha: input.source.sha,
      commit,
      declaredBackend: backend?.type ?? null,
    };
    const describe = (describer: PhaseContext<PlanStage>) => describePlan(describer, showCommand, heldShow, secrets);
    if (retain) {
      context.throwIfCanceled();
      context.info(stage, `Plan saved (SHA-256 ${planFileSha256}); workspace kept on this worker`);
      const workspace = new PlannedWorkspace(
        context.workspaceDir,
        manifest,
        planFileSha256,
        ({ log, signal }) =>
          describe(
            PhaseContext.adopt<PlanStage>(context.workspaceDir, {
              secrets,
              log: log ? (_stage, text) => log(text) : input.log,
              signal: signal ?? input.signal,
              killGraceMs: input.killGraceMs ?? DEFAULT_PLAN_KILL_GRACE_MS,
            }),
          ),
        { apply: heldApply, all: [heldShow, heldApply].filter((held): held is HeldProcess => held !== null) },
      );
      kept = true;
      return { ...base, timings: timer.snapshot(), workspace };
    }
    // The archive is packed while `show -json` runs (neither writes to the workspace).
    archiving = timer.measure('archive', () => createPlanArchive(context.workspaceDir, manifest));
    archiving.catch(() => undefined);
    const { planJson, summary, timings } = await describe(context);
    const archive = await archiving;
    context.throwIfCanceled();
    context.info(stage, `Plan saved (SHA-256 ${planFileSha256}); workspace archive ${(archive.length / 1024).toFixed(0)} KiB`);
    return { ...base, planJson, summary, archive, timings: { ...timer.snapshot(), ...timings } };
  } catch (error) {
    throw reportFailure(context, stage, error);
  } finally {
    if (!kept) {
      await (archiving as Promise<Buffer> | null)?.catch(() => undefined);
      await context.dispose(input.keepWorkspace ?? false);
    }
  }
}

async function describePlan(
  context: PhaseContext<PlanStage>,
  command: VendorCommand,
  held: HeldProcess | null,
  secrets: readonly string[],
): Promise<PlanDescription> {
  const show = await context.run('PLANNING', 'show', command, { captureStdout: true, quiet: true, lowPriority: true, held });
  return context.timer.measure('summarize', async () => {
    let planJson: PlanJson;
    try {
      planJson = parsePlanJson(show.stdout);
    } catch (error) {
      if (error instanceof PlanJsonError) throw new RunnerError('COMMAND_FAILED', error.message, { cause: error });
      throw error;
    }
    return { planJson, summary: summarizePlan(planJson, { secrets }), timings: context.timer.snapshot() };
  });
}

async function enterStage(context: PhaseContext<PlanStage>, input: PlanPhaseInput, stage: PlanStage): Promise<void> {
  context.throwIfCanceled();
  await callerCallback(() => input.onStage?.(stage));
  context.throwIfCanceled();
}

async function checkout(context: PhaseContext<PlanStage>, input: PlanPhaseInput, sourceDir: string): Promise<CommitDetails> {
  const request = {
    repositoryUrl: input.source.repositoryUrl,
    sha: input.source.sha,
    dir: sourceDir,
    credentials: input.source.credentials,
    signal: context.signal,
    timeoutMs: context.remainingMs(),
  };
  try {
    if (!input.repositoryCache) return await checkoutCommit(request);
    const result = await input.repositoryCache.checkout(request);
    if (result.source === 'cache') context.info('PREPARING', 'Commit found in the repository cache of this worker');
    if (result.cacheProblem) context.info('PREPARING', `Repository cache not used: ${result.cacheProblem}`);
    return result;
  } catch (error) {
    if (error instanceof GitAbortedError && context.signal?.aborted) throw new RunCanceledError();
    if (error instanceof GitAbortedError) throw new RunnerError('TIMED_OUT', 'Checking out the commit ran past the phase\'s time limit');
    if (error instanceof GitError) {
      throw new RunnerError('CHECKOUT_FAILED', error.message, { cause: error });
    }
    throw error;
  }
}
