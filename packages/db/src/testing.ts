// Test support: a fresh, migrated Postgres database per test file.
// The first caller migrates a template database (named after a hash of the migrations, so a
// schema change makes a new one); every test database is then a cheap copy of that template.
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const prismaDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../prisma');

export const testAdminUrl = process.env.GANTRY_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

function migrationsHash(): string {
  const dir = join(prismaDir, 'migrations');
  const h = createHash('sha256');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name, 'migration.sql');
      if (existsSync(file)) h.update(name).update(readFileSync(file));
    }
  }
  return h.digest('hex').slice(0, 16);
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: testAdminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Applies the migrations to `url` with the Prisma CLI (through Gantry's schema-engine stand-in). */
export async function migrateDatabase(url: string): Promise<void> {
  const cli = join(prismaDir, 'node_modules/prisma/build/index.js');
  await run(process.execPath, [cli, 'migrate', 'deploy', '--config', join(prismaDir, 'prisma.config.ts')], {
    cwd: prismaDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: url,
      PRISMA_SCHEMA_ENGINE_BINARY: join(prismaDir, 'schema-engine/schema-engine.mjs'),
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
}

let templateReady: Promise<string> | undefined;

async function ensureTemplate(): Promise<string> {
  const name = `gantry_tpl_${migrationsHash()}`;
  // One builder at a time across test workers and processes.
  await withAdmin(async (c) => {
    await c.query('SELECT pg_advisory_lock(7236571)');
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        const building = `${name}_b${randomBytes(4).toString('hex')}`;
        await c.query(`CREATE DATABASE "${building}"`);
        try {
          await migrateDatabase(withDatabase(testAdminUrl, building));
          await c.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
        } catch (e) {
          await c.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
          throw e;
        }
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock(7236571)');
    }
  });
  return name;
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A new migrated database for one test file. Call `drop()` in afterAll. */
export async function createTestDatabase(prefix = 'gantry_test'): Promise<TestDatabase> {
  templateReady ??= ensureTemplate();
  const template = await templateReady;
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: withDatabase(testAdminUrl, name),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

// Row-level security without the first line of defence, for tests and measurements only.
export { withTenantSession } from './tenant-session.ts';
