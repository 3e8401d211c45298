-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'WRITER', 'READER');

-- CreateEnum
CREATE TYPE "Vendor" AS ENUM ('OPENTOFU', 'TERRAFORM');

-- CreateEnum
CREATE TYPE "RunType" AS ENUM ('TRACKED', 'PROPOSED', 'TASK');

-- CreateEnum
CREATE TYPE "RunState" AS ENUM ('QUEUED', 'READY', 'PREPARING', 'INITIALIZING', 'PLANNING', 'UNCONFIRMED', 'CONFIRMED', 'PREPARING_APPLY', 'APPLYING', 'FINISHED', 'FAILED', 'DISCARDED', 'STOPPED', 'CANCELED', 'SKIPPED', 'PENDING_REVIEW', 'PERFORMING');

-- CreateEnum
CREATE TYPE "TriggerReason" AS ENUM ('MANUAL', 'PUSH', 'PULL_REQUEST', 'DEPENDENCY', 'DRIFT', 'RETRY', 'API');

-- CreateEnum
CREATE TYPE "ActorKind" AS ENUM ('USER', 'WORKER', 'SYSTEM');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Space" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Space_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Stack" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "spaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "labels" TEXT[],
    "repositoryUrl" TEXT NOT NULL,
    "branch" TEXT NOT NULL,
    "projectRoot" TEXT NOT NULL DEFAULT '',
    "vendor" "Vendor" NOT NULL DEFAULT 'OPENTOFU',
    "vendorVersion" TEXT,
    "autodeploy" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Stack_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnvironmentVariable" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "stackId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "secret" BOOLEAN NOT NULL,
    "value" TEXT,
    "ciphertext" BYTEA,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EnvironmentVariable_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "stackId" TEXT NOT NULL,
    "type" "RunType" NOT NULL DEFAULT 'TRACKED',
    "state" "RunState" NOT NULL DEFAULT 'QUEUED',
    "commitSha" TEXT,
    "commitMessage" TEXT,
    "triggeredById" TEXT,
    "triggerReason" "TriggerReason" NOT NULL DEFAULT 'MANUAL',
    "queueReason" TEXT,
    "retryOfId" TEXT,
    "planSummary" JSONB,
    "resourceChanges" JSONB,
    "hasChanges" BOOLEAN,
    "planFileSha256" TEXT,
    "confirmedById" TEXT,
    "confirmedAt" TIMESTAMP(3),
    "error" TEXT,
    "leaseOwner" TEXT,
    "leaseToken" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "heartbeatAt" TIMESTAMP(3),
    "phaseAttempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunTransition" (
    "id" BIGSERIAL NOT NULL,
    "accountId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "fromState" "RunState",
    "toState" "RunState" NOT NULL,
    "event" TEXT NOT NULL,
    "actorKind" "ActorKind" NOT NULL,
    "actorId" TEXT,
    "actorName" TEXT,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LogChunk" (
    "accountId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "state" "RunState" NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LogChunk_pkey" PRIMARY KEY ("runId","seq")
);

-- CreateTable
CREATE TABLE "WorkspaceArchive" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "planFileSha256" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkspaceArchive_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StackState" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "stackId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "serial" INTEGER,
    "lineage" TEXT,
    "ciphertext" BYTEA NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "runId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StackState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "accountId" TEXT NOT NULL,
    "actorKind" "ActorKind" NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "data" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Outbox" (
    "id" TEXT NOT NULL,
    "accountId" TEXT,
    "queue" TEXT NOT NULL,
    "jobName" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "Outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Account_slug_key" ON "Account"("slug");

-- CreateIndex
CREATE INDEX "Membership_userId_idx" ON "Membership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_accountId_userId_key" ON "Membership"("accountId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Space_accountId_name_key" ON "Space"("accountId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Space_id_accountId_key" ON "Space"("id", "accountId");

-- CreateIndex
CREATE UNIQUE INDEX "Stack_accountId_name_key" ON "Stack"("accountId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Stack_id_accountId_key" ON "Stack"("id", "accountId");

-- CreateIndex
CREATE INDEX "EnvironmentVariable_accountId_idx" ON "EnvironmentVariable"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "EnvironmentVariable_stackId_name_key" ON "EnvironmentVariable"("stackId", "name");

-- CreateIndex
CREATE INDEX "Run_accountId_stackId_createdAt_idx" ON "Run"("accountId", "stackId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Run_stackId_state_idx" ON "Run"("stackId", "state");

-- CreateIndex
CREATE INDEX "Run_state_leaseExpiresAt_idx" ON "Run"("state", "leaseExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Run_id_accountId_key" ON "Run"("id", "accountId");

-- CreateIndex
CREATE INDEX "RunTransition_runId_id_idx" ON "RunTransition"("runId", "id");

-- CreateIndex
CREATE INDEX "RunTransition_accountId_idx" ON "RunTransition"("accountId");

-- CreateIndex
CREATE INDEX "LogChunk_accountId_idx" ON "LogChunk"("accountId");

-- CreateIndex
CREATE INDEX "WorkspaceArchive_accountId_idx" ON "WorkspaceArchive"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "WorkspaceArchive_runId_accountId_key" ON "WorkspaceArchive"("runId", "accountId");

-- CreateIndex
CREATE INDEX "StackState_accountId_idx" ON "StackState"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "StackState_stackId_version_key" ON "StackState"("stackId", "version");

-- CreateIndex
CREATE INDEX "AuditEntry_accountId_at_idx" ON "AuditEntry"("accountId", "at");

-- CreateIndex
CREATE INDEX "Outbox_publishedAt_createdAt_idx" ON "Outbox"("publishedAt", "createdAt");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Space" ADD CONSTRAINT "Space_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Stack" ADD CONSTRAINT "Stack_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Stack" ADD CONSTRAINT "Stack_spaceId_accountId_fkey" FOREIGN KEY ("spaceId", "accountId") REFERENCES "Space"("id", "accountId") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentVariable" ADD CONSTRAINT "EnvironmentVariable_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnvironmentVariable" ADD CONSTRAINT "EnvironmentVariable_stackId_accountId_fkey" FOREIGN KEY ("stackId", "accountId") REFERENCES "Stack"("id", "accountId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_stackId_accountId_fkey" FOREIGN KEY ("stackId", "accountId") REFERENCES "Stack"("id", "accountId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunTransition" ADD CONSTRAINT "RunTransition_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunTransition" ADD CONSTRAINT "RunTransition_runId_accountId_fkey" FOREIGN KEY ("runId", "accountId") REFERENCES "Run"("id", "accountId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LogChunk" ADD CONSTRAINT "LogChunk_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LogChunk" ADD CONSTRAINT "LogChunk_runId_accountId_fkey" FOREIGN KEY ("runId", "accountId") REFERENCES "Run"("id", "accountId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkspaceArchive" ADD CONSTRAINT "WorkspaceArchive_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkspaceArchive" ADD CONSTRAINT "WorkspaceArchive_runId_accountId_fkey" FOREIGN KEY ("runId", "accountId") REFERENCES "Run"("id", "accountId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StackState" ADD CONSTRAINT "StackState_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StackState" ADD CONSTRAINT "StackState_stackId_accountId_fkey" FOREIGN KEY ("stackId", "accountId") REFERENCES "Stack"("id", "accountId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEntry" ADD CONSTRAINT "AuditEntry_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Outbox: wake relays at commit time (a rolled-back insert never notifies). Relays also sweep
-- periodically, so a lost notification only delays a job. A rule rather than a plpgsql trigger:
-- the migration runner splits scripts at every semicolon.
CREATE RULE "Outbox_notify" AS ON INSERT TO "Outbox" DO ALSO NOTIFY gantry_outbox;
