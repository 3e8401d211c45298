export {
  PlanIntegrityError,
  RunCanceledError,
  RunnerError,
  VendorCommandError,
  type RunnerErrorCode,
} from './errors.ts';
export { createMaskedOutput, DEFAULT_IDLE_FLUSH_MS, type MaskedOutput } from './masking/masked-output.ts';
export { createSecretMasker, SECRET_MASK, type SecretMasker } from './masking/secret-masker.ts';
export {
  runApplyPhase,
  stateOutOf,
  type ApplyFailureDetails,
  type ApplyPhaseInput,
  type ApplyPhaseResult,
  type ApplyStage,
  type StackOutput,
} from './phases/apply-phase.ts';
export {
  runPlanPhase,
  type PlanPhaseInput,
  type PlanPhaseResult,
  type PlanStage,
  type RetainedPlanResult,
  type RetainingPlanPhaseInput,
} from './phases/plan-phase.ts';
export { PlannedWorkspace, type ApplyInPlaceInput, type DescribeOptions, type PlanDescription } from './phases/planned-workspace.ts';
export { StepTimer, type PhaseTimings } from './phases/timings.ts';
// The repository cache a worker passes to runPlanPhase (from @gantry/vcs).
export { RepositoryCache, type CommitDetails } from '@gantry/vcs';
export { parsePlanJson, PlanJsonError, type PlanJson, type RawAction } from './plan/plan-json.ts';
export {
  SENSITIVE_PLACEHOLDER,
  summarizePlan,
  type OutputChangeSummary,
  type PlanSummary,
  type ResourceAction,
  type ResourceChangeSummary,
} from './plan/summarize.ts';
export {
  buildRunEnvironment,
  isReservedEnvironmentName,
  RESERVED_ENVIRONMENT_NAMES,
  RESERVED_ENVIRONMENT_PREFIX,
  workspaceLayout,
  type BuildRunEnvironmentInput,
  type RunVariable,
  type WorkspaceLayout,
} from './process/environment.ts';
export { runProcess, type ProcessResult, type RunProcessOptions } from './process/run-process.ts';
export { heldStartsSupported } from './process/held-process.ts';
export {
  bundledTofuPath,
  resolveVendorBinary,
  vendorConfigFromEnv,
  type VendorBinaryConfig,
  type VendorKind,
  type VendorSpec,
} from './vendor/binary.ts';
export { LOCAL_STATE_FILE, outputsFromState } from './workspace/state.ts';
