import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlanIntegrityError, RunCanceledError, RunnerError } from '../errors.ts';
import { createSecretMasker } from '../masking/secret-masker.ts';
import { mapStrings, maskSensitiveValues } from '../plan/summarize.ts';
import { buildRunEnvironment, workspaceLayout, type RunVariable } from '../process/environment.ts';
import type { HeldProcess } from '../process/held-process.ts';
import {
  resolveVendorBinary,
  vendorCommandName,
  type VendorBinaryConfig,
  type VendorSpec,
} from '../vendor/binary.ts';
import { sha256File } from '../workspace/archive.ts';
import { peekPlanManifest, restorePlanArchive, SOURCE_DIR, type PlanArchiveManifest } from '../workspace/plan-archive.ts';
import { findDeclaredBackend, outputsFromState, prepareLocalState, readLocalState, type StateOutput } from '../workspace/state.ts';
import {
  callerCallback,
  collectSecrets,
  DEFAULT_APPLY_KILL_GRACE_MS,
  PhaseContext,
  reportFailure,
  type VendorCommand,
} from './phase-context.ts';
import { resolveProjectDir } from './project-root.ts';
import type { PhaseTimings } from './timings.ts';

export type ApplyStage = 'PREPARING_APPLY' | 'APPLYING';

export interface ApplyPhaseInput {
  workRoot: string;
  /** The archive returned by runPlanPhase. */
  archive: Buffer;
  /** planFileSha256 recorded at plan time; any other plan file is refused. */
  expectedPlanSha256: string;
  vendor: VendorSpec;
  variables: RunVariable[];
  secrets?: string[];
  credentials?: Record<string, string>;
  /** Current state of a Gantry-managed stack: the same state the plan was made against. */
  stateIn?: Buffer | null;
  log: (stage: ApplyStage, text: string) => void;
  onStage?: (stage: ApplyStage) => Promise<void> | void;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Time between SIGINT and SIGKILL when stopping (default 60 s: let OpenTofu record what it did). */
  killGraceMs?: number;
  keepWorkspace?: boolean;
  vendorConfig?: VendorBinaryConfig;
  /** Written (as JSON, with the time) into the workspace's apply-started marker: whose apply it is. */
  applyLabel?: Record<string, string>;
  /** Start `apply` as the phase begins, held until its turn (process/held-process.ts). Default true. */
  heldStarts?: boolean;
}

export interface StackOutput {
  value: unknown;
  sensitive: boolean;
  type?: unknown;
}

export interface ApplyPhaseResult {
  /**
   * The local state after apply, to store for the stack's next run; null when the configuration keeps
   * its state in a backend of its own.
   */
  stateOut: Buffer | null;
  /** The root module's outputs (as `tofu output -json` prints them), sensitive values replaced by "(sensitive)". */
  outputs: Record<string, StackOutput>;
  /** Milliseconds per step (restore, hash, apply, …), for profiling. */
  timings: PhaseTimings;
}

/**
 * A failure once `tofu apply` has started. Apply may have changed infrastructure and state before it
 * failed or was stopped: `stateOut` holds the state to store all the same.
 */
export interface ApplyFailureDetails {
  stateOut: Buffer | null;
}

/**
 * Restores a plan's workspace into a fresh directory, checks the plan file against the SHA-256
 * recorded at plan time and applies exactly that plan file (nothing is planned again).
 *
 * On failure it throws a RunnerError; if apply had started, the error has `stateOut`
 * (see ApplyFailureDetails) which must be stored like a successful apply's.
 */
export async function runApplyPhase(input: ApplyPhaseInput): Promise<ApplyPhaseResult> {
  const secrets = collectSecrets(input.secrets, input.variables, input.credentials);
  checkApplyInput(input);

  const context = await PhaseContext.create<ApplyStage>({
    workRoot: input.workRoot,
    kind: 'apply',
    secrets,
    log: input.log,
    signal: input.signal,
    timeoutMs: input.timeoutMs,
    killGraceMs: input.killGraceMs ?? DEFAULT_APPLY_KILL_GRACE_MS,
    heldStarts: input.heldStarts,
  });
  const stage: ApplyStage = 'PREPARING_APPLY';
  try {
    const holdingApply = holdArchiveApply(context, input);
    await enterStage(context, input, stage);
    context.info(stage, `Restoring the workspace of the plan (${(input.archive.length / 1024).toFixed(0)} KiB)`);
    const manifest = await context.timer.measure('restore', () => restorePlanArchive(input.archive, context.workspaceDir));
    return await applyInWorkspace(context, manifest, input, secrets, await holdingApply);
  } catch (error) {
    throw reportFailure(context, currentStage(error) ?? stage, error);
  } finally {
    await context.dispose(input.keepWorkspace ?? false);
  }
}

export function checkApplyInput(input: { signal?: AbortSignal; expectedPlanSha256: string }): void {
  if (input.signal?.aborted) throw new RunCanceledError();
  if (!/^[0-9a-f]{64}$/i.test(input.expectedPlanSha256)) {
    throw new RunnerError('INVALID_INPUT', 'expectedPlanSha256 must be a SHA-256 in hex');
  }
}

/** The stage a failure inside applyInWorkspace happened in (for reportFailure). */
const failedInStage = new WeakMap<object, ApplyStage>();
export function currentStage(error: unknown): ApplyStage | undefined {
  return typeof error === 'object' && error !== null ? failedInStage.get(error) : undefined;
}

/**
 * The apply itself, in a workspace that holds a plan (restored from its archive, or kept by the plan
 * phase on this worker): the plan file must have the recorded SHA-256 and the vendor must be the
 * plan's; then `apply <plan file>` against exactly the state the plan saw. Starts in
 * PREPARING_APPLY (entered by the caller) and enters APPLYING.
 */
export async function applyInWorkspace(
  context: PhaseContext<ApplyStage>,
  manifest: PlanArchiveManifest,
  input: Omit<ApplyPhaseInput, 'workRoot' | 'archive'>,
  secrets: readonly string[],
  /** `apply` started ahead of time (used only if it is exactly the command below). */
  heldApply: HeldProcess | null = null,
): Promise<ApplyPhaseResult> {
  let stage: ApplyStage = 'PREPARING_APPLY';
  try {
    const binary = await resolveVendorBinary(input.vendor, input.vendorConfig);
    const planFile = join(context.workspaceDir, manifest.planFile);
    const actual = await context.timer.measure('hash', () => sha256File(planFile)).catch(() => {
      throw new RunnerError('ARCHIVE_INVALID', 'The workspace has no plan file');
    });
    if (actual !== input.expectedPlanSha256.toLowerCase()) {
      throw new PlanIntegrityError(input.expectedPlanSha256.toLowerCase(), actual);
    }
    if (manifest.vendor !== input.vendor.kind) {
      throw new RunnerError('INVALID_INPUT', `The plan was made with ${manifest.vendor}, not ${input.vendor.kind}`);
    }
    context.info(stage, `Plan file verified (SHA-256 ${actual}), commit ${manifest.commitSha}`);
    const projectDir = await resolveProjectDir(join(context.workspaceDir, SOURCE_DIR), manifest.projectRoot, manifest.commitSha);

    const usesLocalState = (await findDeclaredBackend(projectDir)) === null;
    if (usesLocalState) await prepareLocalState(projectDir, input.stateIn);
    const command = vendorCommands(context.workspaceDir, manifest, binary, input);

    stage = 'APPLYING';
    await enterStage(context, input, stage);
    await writeFile(workspaceLayout(context.workspaceDir).applyStartedFile, `${JSON.stringify({ ...input.applyLabel, startedAt: new Date().toISOString() })}\n`);
    try {
      await context.run(stage, 'apply', command(applyArgs(context.workspaceDir, manifest)), { held: heldApply });
    } catch (error) {
      if (error instanceof RunnerError && usesLocalState) {
        Object.assign(error, { stateOut: await readLocalState(projectDir) } satisfies ApplyFailureDetails);
      }
      throw error;
    }
    const stateOut = usesLocalState ? await readLocalState(projectDir) : null;
    // The local state holds the outputs already; only a backend of the configuration's own is asked.
    const fromState = usesLocalState ? outputsFromState(stateOut) : null;
    const outputs = fromState
      ? maskOutputs(fromState, secrets)
      : await readOutputs(context, stage, command(['output', '-json']), secrets).catch((error: unknown) => {
          // The apply itself succeeded: a failure to list outputs must not hide its state.
          if (error instanceof RunnerError) Object.assign(error, { stateOut } satisfies ApplyFailureDetails);
          throw error;
        });
    return { stateOut, outputs, timings: context.timer.snapshot() };
  } catch (error) {
    if (typeof error === 'object' && error !== null) failedInStage.set(error, stage);
    throw error;
  }
}

/** How the phase runs the vendor: in the plan's project directory, with the run's environment. */
function vendorCommands(
  workspaceDir: string,
  manifest: PlanArchiveManifest,
  binary: string,
  input: Pick<ApplyPhaseInput, 'vendor' | 'variables' | 'credentials'>,
): (args: string[]) => VendorCommand {
  const env = buildRunEnvironment({ workspaceDir, vendorBinary: binary, variables: input.variables, credentials: input.credentials });
  const cwd = join(workspaceDir, SOURCE_DIR, manifest.projectRoot);
  const displayName = vendorCommandName(input.vendor.kind);
  return (args) => ({ binary, displayName, args, cwd, env });
}

function applyArgs(workspaceDir: string, manifest: PlanArchiveManifest): string[] {
  return ['apply', '-input=false', join(workspaceDir, manifest.planFile)];
}

/**
 * `apply` of the archive's plan, started now and held until the plan is verified and the run is
 * APPLYING (process/held-process.ts): its project directory is read from the archive's manifest
 * ahead of unpacking. Null when it cannot be held; the apply then starts when it runs.
 */
async function holdArchiveApply(context: PhaseContext<ApplyStage>, input: ApplyPhaseInput): Promise<HeldProcess | null> {
  const manifest = await peekPlanManifest(input.archive);
  if (!manifest || manifest.vendor !== input.vendor.kind) return null;
  const binary = await resolveVendorBinary(input.vendor, input.vendorConfig).catch(() => null);
  if (!binary) return null;
  const command = vendorCommands(context.workspaceDir, manifest, binary, input)(applyArgs(context.workspaceDir, manifest));
  const [held] = await context.hold([{ command }]);
  return held ?? null;
}

export async function enterStage(
  context: PhaseContext<ApplyStage>,
  input: { onStage?: ApplyPhaseInput['onStage'] },
  stage: ApplyStage,
): Promise<void> {
  context.throwIfCanceled();
  await callerCallback(() => input.onStage?.(stage));
  context.throwIfCanceled();
}

async function readOutputs(
  context: PhaseContext<ApplyStage>,
  stage: ApplyStage,
  command: VendorCommand,
  secrets: readonly string[],
): Promise<Record<string, StackOutput>> {
  const result = await context.run(stage, 'output', command, { captureStdout: true, quiet: true });
  let parsed: Record<string, { value?: unknown; sensitive?: boolean; type?: unknown }>;
  try {
    parsed = JSON.parse(result.stdout || '{}');
  } catch {
    throw new RunnerError('COMMAND_FAILED', `${command.displayName} output -json did not print JSON`);
  }
  return maskOutputs(
    Object.fromEntries(
      Object.entries(parsed).map(([name, output]) => [
        name,
        { value: output.value, sensitive: output.sensitive === true, ...(output.type !== undefined ? { type: output.type } : {}) },
      ]),
    ),
    secrets,
  );
}

/** Sensitive values become "(sensitive)"; secrets inside the others are masked. */
function maskOutputs(outputs: Record<string, StateOutput>, secrets: readonly string[]): Record<string, StackOutput> {
  const masker = createSecretMasker(secrets);
  return Object.fromEntries(
    Object.entries(outputs).map(([name, output]) => [
      name,
      {
        value: mapStrings(maskSensitiveValues(output.value, output.sensitive), (text) => masker.maskText(text)),
        sensitive: output.sensitive,
        ...(output.type !== undefined ? { type: output.type } : {}),
      },
    ]),
  );
}

/** The state a failed apply left behind, when there is one (see ApplyFailureDetails). */
export function stateOutOf(error: unknown): Buffer | null | undefined {
  if (typeof error === 'object' && error !== null && 'stateOut' in error) {
    return (error as ApplyFailureDetails).stateOut;
  }
  return undefined;
}
