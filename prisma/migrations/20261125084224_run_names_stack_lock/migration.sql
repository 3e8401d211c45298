-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "confirmedByName" TEXT,
ADD COLUMN     "triggeredByName" TEXT;

-- AlterTable
ALTER TABLE "Stack" ADD COLUMN     "lockedByRunId" TEXT,
ADD COLUMN     "lockedReason" TEXT;
