import { join } from 'node:path';
import { PlanIntegrityError, RunCanceledError, RunnerError } from '../errors.ts';
import { createSecretMasker } from '../masking/secret-masker.ts';
import { mapStrings, maskSensitiveValues } from '../plan/summarize.ts';
import { buildRunEnvironment, type RunVariable } from '../process/environment.ts';
import {
  resolveVendorBinary,
  vendorCommandName,
  type VendorBinaryConfig,
  type VendorSpec,
} from '../vendor/binary.ts';
import { sha256File } from '../workspace/archive.ts';
import { restorePlanArchive, SOURCE_DIR } from '../workspace/plan-archive.ts';
import { findDeclaredBackend, readLocalState, writeLocalState } from '../workspace/state.ts';
import {
  callerCallback,
  collectSecrets,
  DEFAULT_APPLY_KILL_GRACE_MS,
  PhaseContext,
  reportFailure,
} from './phase-context.ts';
import { resolveProjectDir } from './project-root.ts';

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
  /** `tofu output -json`, sensitive values replaced by "(sensitive)". */
  outputs: Record<string, StackOutput>;
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
  const displayName = vendorCommandName(input.vendor.kind);
  if (input.signal?.aborted) throw new RunCanceledError();
  if (!/^[0-9a-f]{64}$/i.test(input.expectedPlanSha256)) {
    throw new RunnerError('INVALID_INPUT', 'expectedPlanSha256 must be a SHA-256 in hex');
  }

  const context = await PhaseContext.create<ApplyStage>({
    workRoot: input.workRoot,
    kind: 'apply',
    secrets,
    log: input.log,
    signal: input.signal,
    timeoutMs: input.timeoutMs,
    killGraceMs: input.killGraceMs ?? DEFAULT_APPLY_KILL_GRACE_MS,
  });
  let stage: ApplyStage = 'PREPARING_APPLY';
  let projectDir: string | undefined;
  let usesLocalState = false;
  try {
    await enterStage(context, input, stage);
    const binary = await resolveVendorBinary(input.vendor, input.vendorConfig);
    context.info(stage, `Restoring the workspace of the plan (${(input.archive.length / 1024).toFixed(0)} KiB)`);
    const manifest = await restorePlanArchive(input.archive, context.workspaceDir);
    const planFile = join(context.workspaceDir, manifest.planFile);
    const actual = await sha256File(planFile).catch(() => {
      throw new RunnerError('ARCHIVE_INVALID', 'The workspace archive has no plan file');
    });
    if (actual !== input.expectedPlanSha256.toLowerCase()) {
      throw new PlanIntegrityError(input.expectedPlanSha256.toLowerCase(), actual);
    }
    if (manifest.vendor !== input.vendor.kind) {
      throw new RunnerError('INVALID_INPUT', `The plan was made with ${manifest.vendor}, not ${input.vendor.kind}`);
    }
    context.info(stage, `Plan file verified (SHA-256 ${actual}), commit ${manifest.commitSha}`);
    const sourceDir = join(context.workspaceDir, SOURCE_DIR);
    projectDir = await resolveProjectDir(sourceDir, manifest.projectRoot, manifest.commitSha);

    usesLocalState = (await findDeclaredBackend(projectDir)) === null;
    if (usesLocalState && input.stateIn && input.stateIn.length > 0) {
      await writeLocalState(projectDir, input.stateIn);
    }
    const env = buildRunEnvironment({
      workspaceDir: context.workspaceDir,
      vendorBinary: binary,
      variables: input.variables,
      credentials: input.credentials,
    });
    const command = (args: string[]) => ({ binary, displayName, args, cwd: projectDir!, env });

    stage = 'APPLYING';
    await enterStage(context, input, stage);
    try {
      await context.run(stage, 'apply', command(['apply', '-input=false', planFile]));
    } catch (error) {
      if (error instanceof RunnerError && usesLocalState) {
        Object.assign(error, { stateOut: await readLocalState(projectDir) } satisfies ApplyFailureDetails);
      }
      throw error;
    }
    const stateOut = usesLocalState ? await readLocalState(projectDir) : null;
    const outputs = await readOutputs(context, stage, command(['output', '-json']), secrets).catch((error: unknown) => {
      // The apply itself succeeded: a failure to list outputs must not hide its state.
      if (error instanceof RunnerError) Object.assign(error, { stateOut } satisfies ApplyFailureDetails);
      throw error;
    });
    return { stateOut, outputs };
  } catch (error) {
    throw reportFailure(context, stage, error);
  } finally {
    await context.dispose(input.keepWorkspace ?? false);
  }
}

async function enterStage(context: PhaseContext<ApplyStage>, input: ApplyPhaseInput, stage: ApplyStage): Promise<void> {
  context.throwIfCanceled();
  await callerCallback(() => input.onStage?.(stage));
  context.throwIfCanceled();
}

async function readOutputs(
  context: PhaseContext<ApplyStage>,
  stage: ApplyStage,
  command: Parameters<PhaseContext<ApplyStage>['run']>[2],
  secrets: readonly string[],
): Promise<Record<string, StackOutput>> {
  const result = await context.run(stage, 'output', command, { captureStdout: true, quiet: true });
  let parsed: Record<string, { value?: unknown; sensitive?: boolean; type?: unknown }>;
  try {
    parsed = JSON.parse(result.stdout || '{}');
  } catch {
    throw new RunnerError('COMMAND_FAILED', `${command.displayName} output -json did not print JSON`);
  }
  const masker = createSecretMasker(secrets);
  return Object.fromEntries(
    Object.entries(parsed).map(([name, output]) => [
      name,
      {
        value: mapStrings(maskSensitiveValues(output.value, output.sensitive === true), (text) => masker.maskText(text)),
        sensitive: output.sensitive === true,
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
