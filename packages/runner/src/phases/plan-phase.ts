import { join } from 'node:path';
import { checkoutCommit, GitAbortedError, GitError, type GitCredentials, redactUrl } from '@gantry/vcs';
import { RunCanceledError, RunnerError } from '../errors.ts';
import { parsePlanJson, PlanJsonError, type PlanJson } from '../plan/plan-json.ts';
import { summarizePlan, type PlanSummary } from '../plan/summarize.ts';
import { buildRunEnvironment, type RunVariable } from '../process/environment.ts';
import { runProcess } from '../process/run-process.ts';
import {
  resolveVendorBinary,
  vendorCommandName,
  type VendorBinaryConfig,
  type VendorSpec,
} from '../vendor/binary.ts';
import { sha256File } from '../workspace/archive.ts';
import { createPlanArchive, PLAN_FILE, SOURCE_DIR } from '../workspace/plan-archive.ts';
import { findDeclaredBackend, writeLocalState } from '../workspace/state.ts';
import { callerCallback, collectSecrets, DEFAULT_PLAN_KILL_GRACE_MS, PhaseContext, reportFailure } from './phase-context.ts';
import { normalizeProjectRoot, resolveProjectDir } from './project-root.ts';

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
}

export interface PlanPhaseResult {
  /** The plan changes resources or outputs (OpenTofu's -detailed-exitcode). */
  hasChanges: boolean;
  /** `tofu show -json` of the plan file; holds unmasked values (incl. sensitive ones): store it as a secret. */
  planJson: PlanJson;
  /** Counts and changes for display, sensitive values and secrets masked. */
  summary: PlanSummary;
  /** SHA-256 (hex) of the plan file; apply refuses any other plan file. */
  planFileSha256: string;
  /** gzipped tar of the workspace for the apply phase (contains the plan; store encrypted). */
  archive: Buffer;
  commitSha: string;
  /** Declared backend type when the configuration keeps its own state (then stateIn was not used). */
  declaredBackend: string | null;
}

/**
 * Checks out the run's commit, runs `init` and `plan -out`, reads the plan as JSON and packs the
 * workspace for apply. Failures throw a RunnerError (RunCanceledError when stopped) whose message is
 * short; the details are in the log.
 */
export async function runPlanPhase(input: PlanPhaseInput): Promise<PlanPhaseResult> {
  const secrets = collectSecrets(input.secrets, input.variables, input.credentials);
  const projectRoot = normalizeProjectRoot(input.source.projectRoot);
  const displayName = vendorCommandName(input.vendor.kind);
  if (input.signal?.aborted) throw new RunCanceledError();

  const context = await PhaseContext.create<PlanStage>({
    workRoot: input.workRoot,
    kind: 'plan',
    secrets,
    log: input.log,
    signal: input.signal,
    timeoutMs: input.timeoutMs,
    killGraceMs: input.killGraceMs ?? DEFAULT_PLAN_KILL_GRACE_MS,
  });
  let stage: PlanStage = 'PREPARING';
  try {
    await enterStage(context, input, stage);
    const binary = await resolveVendorBinary(input.vendor, input.vendorConfig);
    const env = buildRunEnvironment({
      workspaceDir: context.workspaceDir,
      vendorBinary: binary,
      variables: input.variables,
      credentials: input.credentials,
    });
    // The version goes into the log; asking for it while git fetches costs no time.
    const version = runProcess({
      command: binary,
      args: ['version'],
      cwd: context.workspaceDir,
      env,
      captureStdout: true,
      timeoutMs: 10_000,
      killGraceMs: 1_000,
    }).catch(
      () => null,
    );
    const sourceDir = join(context.workspaceDir, SOURCE_DIR);
    context.info(stage, `Checking out commit ${input.source.sha} from ${redactUrl(input.source.repositoryUrl)}`);
    await checkout(context, input, sourceDir);
    const projectDir = await resolveProjectDir(sourceDir, projectRoot, input.source.sha);

    const backend = await findDeclaredBackend(projectDir);
    if (backend) {
      context.info(stage, `The configuration declares a "${backend.type}" backend (${backend.file}); its state stays there`);
    } else if (input.stateIn && input.stateIn.length > 0) {
      await writeLocalState(projectDir, input.stateIn);
    }
    const command = (args: string[]) => ({ binary, displayName, args, cwd: projectDir, env });

    stage = 'INITIALIZING';
    await enterStage(context, input, stage);
    const versionText = (await version)?.stdout.trim();
    if (versionText) context.info(stage, versionText.split('\n')[0]!);
    await context.run(stage, 'init', command(['init', '-input=false']));

    stage = 'PLANNING';
    await enterStage(context, input, stage);
    const planFile = join(context.workspaceDir, PLAN_FILE);
    const plan = await context.run(stage, 'plan', command(['plan', '-input=false', '-detailed-exitcode', `-out=${planFile}`]), {
      okExitCodes: [0, 2],
    });
    const show = await context.run(stage, 'show', command(['show', '-json', planFile]), {
      captureStdout: true,
      quiet: true,
    });
    let planJson: PlanJson;
    try {
      planJson = parsePlanJson(show.stdout);
    } catch (error) {
      if (error instanceof PlanJsonError) throw new RunnerError('COMMAND_FAILED', error.message, { cause: error });
      throw error;
    }
    const summary = summarizePlan(planJson, { secrets });
    const planFileSha256 = await sha256File(planFile);
    context.throwIfCanceled();
    const archive = await createPlanArchive(context.workspaceDir, {
      format: 1,
      projectRoot,
      planFile: PLAN_FILE,
      commitSha: input.source.sha,
      vendor: input.vendor.kind,
      createdAt: new Date().toISOString(),
    });
    context.info(
      stage,
      `Plan saved (SHA-256 ${planFileSha256}); workspace archive ${(archive.length / 1024).toFixed(0)} KiB`,
    );
    return {
      hasChanges: plan.exitCode === 2,
      planJson,
      summary,
      planFileSha256,
      archive,
      commitSha: input.source.sha,
      declaredBackend: backend?.type ?? null,
    };
  } catch (error) {
    throw reportFailure(context, stage, error);
  } finally {
    await context.dispose(input.keepWorkspace ?? false);
  }
}

async function enterStage(context: PhaseContext<PlanStage>, input: PlanPhaseInput, stage: PlanStage): Promise<void> {
  context.throwIfCanceled();
  await callerCallback(() => input.onStage?.(stage));
  context.throwIfCanceled();
}

async function checkout(context: PhaseContext<PlanStage>, input: PlanPhaseInput, sourceDir: string): Promise<void> {
  try {
    await checkoutCommit({
      repositoryUrl: input.source.repositoryUrl,
      sha: input.source.sha,
      dir: sourceDir,
      credentials: input.source.credentials,
      signal: context.signal,
      timeoutMs: context.remainingMs(),
    });
  } catch (error) {
    if (error instanceof GitAbortedError && context.signal?.aborted) throw new RunCanceledError();
    if (error instanceof GitAbortedError) throw new RunnerError('TIMED_OUT', 'Checking out the commit ran past the phase\'s time limit');
    if (error instanceof GitError) {
      throw new RunnerError('CHECKOUT_FAILED', error.message, { cause: error });
    }
    throw error;
  }
}

