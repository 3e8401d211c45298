export { createPrismaClient, PrismaClient, type PrismaClientOptions } from './client.ts';
export { forAccount, TenantScopeViolation, type TenantDb, type TenantTx, type TenantModels, type TenantOutbox } from './tenant.ts';
export { isUniqueViolation, isRecordNotFound } from './errors.ts';
export type { LogChunkRow } from './log-statements.ts';
export type { StoredPhaseInputs, StoredPhaseStart, StoredStateRow, StoredVariableRow } from './phase-input-statements.ts';
export { observeStatements, type StatementTiming } from './statements.ts';
export {
  RUN_COLUMNS_NOT_SETTABLE,
  type LockedRun,
  type RunColumns,
  type HistoryRow,
  type OutboxRow,
  type StackStateRow,
  type RunTransitionWrite,
  type RunCreate,
  type RunWithQueue,
  type StackQueue,
  type StackQueueFilter,
} from './run-statements.ts';
export {
  Prisma,
  type User,
  type Account,
  type Membership,
  type Space,
  type Stack,
  type EnvironmentVariable,
  type Run,
  type RunTransition,
  type LogChunk,
  type WorkspaceArchive,
  type StackState,
  type AuditEntry,
  type Outbox,
} from './generated/prisma/client.ts';
export { Role, Vendor, ActorKind, TriggerReason } from './generated/prisma/enums.ts';
