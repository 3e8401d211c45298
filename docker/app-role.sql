-- Gantry's application login role for docker-compose.yml, applied by its `db-roles` service after
-- the migrations (which create gantry_tenant and gantry_system, see packages/db/README.md) on every
-- `docker compose up`, so it also reaches existing databases and follows password changes.
--
-- The web app and the workers log in as gantry_app: not a superuser and without BYPASSRLS, so
-- row-level security applies to every query they make, the system path included (superusers skip
-- it). Members of gantry_system see every row (sign-up, sign-in, outbox relay, reaper); a tenant
-- handle switches to gantry_tenant and sees one account. Migrations keep running as the database
-- owner.
--
-- Run with: psql -v ON_ERROR_STOP=1 -v app_password=… -f app-role.sql
\set ON_ERROR_STOP on

SELECT 'CREATE ROLE gantry_app LOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gantry_app') \gexec

ALTER ROLE gantry_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT
  PASSWORD :'app_password';

GRANT gantry_tenant, gantry_system TO gantry_app;
