// @gantry/core: Gantry's use-cases. Account-scoped functions take an AccountScope (tenant handle +
// actor + role); system functions (sign-up, reaper, outbox) take CoreServices.
export * from './context.ts';
export { assertAdmin, assertCanWrite } from './authz.ts';
export { SecretBox, DecryptionError, sealContext } from './crypto/secret-box.ts';
export { hashPassword, verifyPassword } from './crypto/password.ts';
export {
  createCoreServices,
  getDefaultCoreServices,
  setDefaultCoreServices,
  systemScope,
  scopeServices,
  resolveCommitWithGit,
  type CoreServices,
  type CoreServicesOptions,
} from './services.ts';
export { zodToDomainError, parseInput, textInput, idInput, MAX_ID_LENGTH } from './validation.ts';
export {
  signUp,
  signUpInput,
  emailInput,
  verifyCredentials,
  getMe,
  accountScopeForUser,
  slugify,
  type SignUpInput,
  type PublicUser,
  type AccountSummary,
  AUTH_RATE_RULES,
  type AuthAttemptOptions,
} from './users/users.ts';
export {
  listMembers,
  addMember,
  changeMemberRole,
  removeMember,
  addMemberInput,
  changeMemberRoleInput,
  removeMemberInput,
  roleInput,
  ROLES,
  type MemberView,
  type AddMemberResult,
} from './members/members.ts';
export {
  listInvitations,
  createInvitation,
  revokeInvitation,
  lookupInvitation,
  acceptInvitation,
  signUpWithInvitation,
  invitationTokenOnlyInput,
  invitationSignUpInput,
  revokeInvitationInput,
  MAX_PENDING_INVITATIONS,
  type InvitationView,
  type InvitationPreview,
  type JoinedAccount,
} from './members/invitations.ts';
export { createUserDirectory, type UserDirectory } from './members/directory.ts';
export { INVITATION_TTL_MS } from './members/tokens.ts';
export {
  createMemoryRateLimiter,
  createRedisRateLimiter,
  rateLimiterFor,
  type RateLimiter,
  type RateRule,
  type RateState,
} from './users/rate-limit.ts';
export {
  listStacks,
  getStack,
  createStack,
  updateStack,
  deleteStack,
  unlockStack,
  stackInput,
  stackUpdateInput,
  stackListInput,
  type StackInput,
  type StackUpdateInput,
  type StackView,
  type StackListItem,
} from './stacks/stacks.ts';
export {
  listVariables,
  setVariable,
  deleteVariable,
  loadRunVariables,
  setVariableInput,
  deleteVariableInput,
  listVariablesInput,
  type VariableView,
  type RunVariable,
} from './env/variables.ts';
export { triggerRun, confirmRun, discardRun, stopRun, retryRun, triggerRunInput, type RunRef } from './runs/commands.ts';
export { CommitPins, DEFAULT_COMMIT_PIN_DELAY_MS } from './runs/pin-commit.ts';
export {
  listRuns,
  getRun,
  getRunStatus,
  listRunsInput,
  type RunListItem,
  type RunDetail,
  type RunTimelineEntry,
  type PlanSummary,
  type ResourceChange,
} from './runs/queries.ts';
export { applyRunEvent, applyRunEventInTx, promoteQueuedRuns, LeaseLostError, type RunEventOptions } from './runs/transition.ts';
export {
  claimPhase,
  heartbeat,
  advance,
  recordCommit,
  failPhase,
  recordPlan,
  loadPlanArchive,
  PlanDetailsRequiredError,
  recordPlanSummary,
  finishApply,
  type WorkerIdentity,
  type ClaimedPhase,
  type HeartbeatResult,
  type PlanOutcome,
  type PhaseLogTail,
  type PhaseInputs,
} from './runs/phases.ts';
export { reapExpiredLeases, type ReaperOptions, type ReapedRun } from './runs/reaper.ts';
export { AfterCommit } from './runs/effects.ts';
export { createOutboxSource, purgePublishedOutbox } from './outbox-source.ts';
export { createLogChunkStore } from './logs/log-chunk-store.ts';
export { loadCurrentState, storeState, listStateVersions, type StoredState } from './state/stack-state.ts';
