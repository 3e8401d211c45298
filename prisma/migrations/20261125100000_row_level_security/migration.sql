-- Row-level security: the second line of tenant defence, below packages/db's `forAccount` handle.
--
-- Two roles, shared by every database of the cluster (created once, never dropped here):
--   gantry_tenant  what a tenant handle runs as. Each of its transactions starts with
--                  `SET LOCAL ROLE gantry_tenant` and `SET LOCAL app.account_id = '<account id>'`;
--                  the policies below then show and accept only that account's rows, so a query that
--                  forgot its accountId filter still sees nothing of another account.
--   gantry_system  Gantry's own cross-account work (sign-up, sign-in, membership lookup, outbox relay,
--                  reaper, housekeeping). Its policies allow every row. The application's login role
--                  is made a member, so the raw client is the system path, deliberately.
-- Every tenant table has FORCE ROW LEVEL SECURITY, so even the table owner passes through the
-- policies (superusers bypass row security in any case: deploy with a non-superuser login role to make
-- the system path subject to the same rules).

DO $$
BEGIN
  CREATE ROLE gantry_tenant NOLOGIN NOINHERIT NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- another database of this cluster created it
END
$$;

DO $$
BEGIN
  CREATE ROLE gantry_system NOLOGIN NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END
$$;

-- The login role that applies migrations (in a one-URL deployment, the application's) may switch to
-- the tenant role and holds the system role's rights.
DO $$
BEGIN
  EXECUTE format('GRANT gantry_tenant, gantry_system TO %I', current_user);
EXCEPTION WHEN unique_violation OR invalid_grant_operation THEN
  NULL; -- already a member (or the login role is one of them)
END
$$;

-- System role: everything, on every table of the application.
GRANT USAGE ON SCHEMA public TO gantry_system, gantry_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  "User", "Account", "Membership", "Space", "Stack", "EnvironmentVariable", "Run", "RunTransition",
  "LogChunk", "WorkspaceArchive", "StackState", "AuditEntry", "Outbox"
  TO gantry_system;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO gantry_system;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO gantry_system;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO gantry_system;

-- Tenant role: only what a tenant handle does. New tables are invisible to it until a migration
-- grants them (and gives them a policy).
GRANT SELECT, INSERT, UPDATE, DELETE ON
  "Membership", "Space", "Stack", "EnvironmentVariable", "Run", "RunTransition", "LogChunk",
  "WorkspaceArchive", "StackState", "AuditEntry"
  TO gantry_tenant;
GRANT SELECT, UPDATE ("name", "updatedAt") ON "Account" TO gantry_tenant;
-- Members' names and emails, never password hashes.
GRANT SELECT ("id", "email", "name") ON "User" TO gantry_tenant;
-- Append only (SELECT is needed for INSERT … RETURNING and stays limited to the account's rows).
GRANT SELECT, INSERT ON "Outbox" TO gantry_tenant;
GRANT USAGE ON SEQUENCE "RunTransition_id_seq", "AuditEntry_id_seq" TO gantry_tenant;

-- Policies. `current_setting('app.account_id', true)` is NULL (or '') outside a tenant transaction,
-- which matches no row.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'Membership', 'Space', 'Stack', 'EnvironmentVariable', 'Run', 'RunTransition', 'LogChunk',
    'WorkspaceArchive', 'StackState', 'AuditEntry', 'Outbox'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I TO gantry_tenant '
      'USING ("accountId" = current_setting(''app.account_id'', true)) '
      'WITH CHECK ("accountId" = current_setting(''app.account_id'', true))', t);
    EXECUTE format('CREATE POLICY system_access ON %I TO gantry_system USING (true) WITH CHECK (true)', t);
  END LOOP;
END
$$;

ALTER TABLE "Account" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Account" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "Account" TO gantry_tenant
  USING ("id" = current_setting('app.account_id', true))
  WITH CHECK ("id" = current_setting('app.account_id', true));
CREATE POLICY system_access ON "Account" TO gantry_system USING (true) WITH CHECK (true);

ALTER TABLE "User" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "User" FORCE ROW LEVEL SECURITY;
-- A tenant sees the users who are members of its account (read only).
CREATE POLICY tenant_members ON "User" FOR SELECT TO gantry_tenant
  USING (EXISTS (
    SELECT 1 FROM "Membership" m
    WHERE m."userId" = "User"."id" AND m."accountId" = current_setting('app.account_id', true)
  ));
CREATE POLICY system_access ON "User" TO gantry_system USING (true) WITH CHECK (true);

-- Outbox: wake relays at commit time with a statement trigger (replaces the rule of the first
-- migration; NOTIFY is delivered on commit only, so a rolled-back insert never notifies).
DROP RULE IF EXISTS "Outbox_notify" ON "Outbox";
CREATE OR REPLACE FUNCTION gantry_outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gantry_outbox', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER "Outbox_notify" AFTER INSERT ON "Outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION gantry_outbox_notify();
