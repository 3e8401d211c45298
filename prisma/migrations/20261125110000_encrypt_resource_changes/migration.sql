-- A run's planned resource changes (values before and after, from the state) are encrypted at rest
-- from now on, like the state itself. Earlier runs kept them as plain JSON; the key belongs to the
-- application, so they cannot be encrypted here: they are dropped (those runs show no per-resource
-- details; their counts in "planSummary" stay).
ALTER TABLE "Run" DROP COLUMN "resourceChanges",
ADD COLUMN     "resourceChangesCiphertext" BYTEA;
