// Starts the real system for the browser tests, against the local Postgres and Redis: builds the web
// app when its sources changed, then starts it (`next start`) and a worker process on a fresh
// migrated database, with a git repository fixture holding the stack's configuration. Tells the
// tests where everything is through E2E_* variables and returns the teardown, which stops both
// processes and removes the database, the fixture and the scratch directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '@gantry/db/testing';
import { createGitRepoFixture } from '@gantry/test-support';
import { recordWebBuild, webBuildIsCurrent } from '../scripts/web-build.mjs';
import { e2eStackFiles } from './support/stack-config.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const webDir = join(repoRoot, 'apps/web');
const logDir = join(repoRoot, 'e2e/.logs');

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface Service {
  name: string;
  child: ChildProcess;
  output: () => string;
}

function start(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Service {
  const log = createWriteStream(join(logDir, `${name}.log`));
  let recent = '';
  // Own process group, so teardown signals the whole tree (for the worker: pnpm → node).
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (chunk: Buffer) => {
    log.write(chunk);
    recent = (recent + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { name, child, output: () => recent };
}

async function waitFor(what: string, service: Service, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited (${service.child.exitCode}) before ${what}:\n${service.output()}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Output of ${service.name}:\n${service.output()}`);
}

async function stop(service: Service | undefined): Promise<void> {
  if (!service || service.child.exitCode !== null || service.child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => service.child.once('exit', () => resolve()));
  // SIGTERM is the graceful stop (a worker finishes an apply in progress); SIGKILL after 10 s.
  try {
    process.kill(-service.child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-service.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

export default async function globalSetup() {
  if (!(await canConnect(5432))) throw new Error('Postgres is not reachable on 127.0.0.1:5432. Start it (see shared STACK-NOTES) and rerun.');
  if (!(await canConnect(6379))) throw new Error('Redis is not reachable on 127.0.0.1:6379. Start it (see shared STACK-NOTES) and rerun.');
  mkdirSync(logDir, { recursive: true });

  // Test the sources in the tree, not whatever was built last: rebuild when they changed (the same
  // record `pnpm start` keeps, so a build made by either serves both).
  if (process.env.E2E_BUILD === '1' || !webBuildIsCurrent(process.env)) {
    const build = spawnSync('pnpm', ['--filter', '@gantry/web', 'build'], { cwd: repoRoot, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('Building the web app failed (pnpm --filter @gantry/web build).');
    recordWebBuild(process.env);
  }

  const scratch = await mkdtemp(join(tmpdir(), 'gantry-e2e-'));
  const db = await createTestDatabase('gantry_e2e');
  const repo = await createGitRepoFixture({ files: e2eStackFiles(), message: 'Add the e2e stack' });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // A Redis database picked at random from 8–15 keeps this run's queues apart from other test runs
  // on the machine (unless two runs pick the same one).
  const redisDb = 8 + Math.floor(Math.random() * 8);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: db.url,
    REDIS_URL: `redis://127.0.0.1:6379/${redisDb}`,
    GANTRY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    AUTH_SECRET: randomBytes(32).toString('base64'),
    AUTH_URL: baseUrl,
    GANTRY_WORK_DIR: join(scratch, 'work'),
    GANTRY_WORKER_CONCURRENCY: '2',
  };

  let web: Service | undefined;
  let worker: Service | undefined;
  const teardown = async () => {
    await Promise.all([stop(worker), stop(web)]);
    await repo.cleanup();
    await db.drop();
    await rm(scratch, { recursive: true, force: true });
  };
  try {
    web = start('web', process.execPath, [join(webDir, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
      cwd: webDir,
      // Each test browses from an address of its own (support/app.ts sets x-forwarded-for), so the
      // per-address sign-in and sign-up limits (sign-ups: 10 an hour) count per test, as for
      // separate people.
      env: { ...env, PORT: String(port), GANTRY_TRUST_PROXY: 'true' },
    });
    worker = start('worker', 'pnpm', ['--filter', '@gantry/worker', 'start'], { cwd: repoRoot, env });
    const w = worker;
    await waitFor('the web app to answer', web, async () => {
      try {
        return (await fetch(`${baseUrl}/sign-in`)).ok;
      } catch {
        return false;
      }
    }, 60_000);
    await waitFor('the worker to be ready', w, () => /worker .* ready/.test(w.output()), 60_000);
  } catch (error) {
    await teardown();
    throw error;
  }

  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_REPO_URL = repo.url;
  process.env.E2E_REPO_BRANCH = repo.branch;
  process.env.E2E_SCRATCH = scratch;
  // For the few tests that must set up a state no user action can reach quickly (a stack left
  // locked by a worker lost mid-apply).
  process.env.E2E_DATABASE_URL = db.url;
  return teardown;
}
