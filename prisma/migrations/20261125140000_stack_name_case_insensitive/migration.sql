-- Stack names are unique per account whatever their case: "hello" and "HELLO" are the same name.
-- The column becomes citext (case-insensitive text), so the existing unique index on
-- ("accountId", "name"), rebuilt by the type change, compares names case-insensitively; so do
-- lookups and sorting by name.
--
-- citext is a trusted extension (PostgreSQL 13+): the role that applies migrations needs CREATE on
-- the database (its owner has it), not superuser.
CREATE EXTENSION IF NOT EXISTS citext;

-- Names that differ only by case would make the rebuilt index fail: all but the oldest of each group
-- get the end of their id appended ("hello" stays, "HELLO" becomes "HELLO-1a2b3c4d"), a name the
-- stack form accepts and the account can change.
UPDATE "Stack" AS s
SET "name" = s."name" || '-' || right(s."id", 8)
WHERE EXISTS (
  SELECT 1 FROM "Stack" AS o
  WHERE o."accountId" = s."accountId"
    AND lower(o."name") = lower(s."name")
    AND (o."createdAt", o."id") < (s."createdAt", s."id")
);

-- AlterTable
ALTER TABLE "Stack" ALTER COLUMN "name" SET DATA TYPE CITEXT;
