// What row-level security costs on typical query paths.
//   pnpm exec tsx packages/core/bench/tenant-overhead.ts [iterations]
// Compares, on one seeded database (2 accounts × 20 stacks × 10 runs with 6 transitions each):
//   raw        the raw client with an explicit accountId filter (one statement, no transaction)
//   rls-raw    the same statement in a tenant transaction (BEGIN, set_config, statement, COMMIT)
//   handle     forAccount(): the first line (filters, result checks) plus the tenant transaction
//   legacy     forAccount() as it was before row-level security (git: the parent of the RLS commit,
//              first line only), loaded from git into a scratch file for the comparison
// and the use-cases behind stacks.list and runs.get over the current and the legacy handle (plus the
// query stacks.list made before its lastRun became the lock holder).
// Iterations are interleaved so background load affects every variant alike.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPrismaClient, forAccount, type PrismaClient, type TenantDb } from '@gantry/db';
import { createTestDatabase, withTenantSession } from '@gantry/db/testing';
import { randomBytes } from 'node:crypto';
import type { AccountScope } from '../src/context.ts';
import { SecretBox } from '../src/crypto/secret-box.ts';
import { CommitPins } from '../src/runs/pin-commit.ts';
import { NO_EVENTS } from '../src/context.ts';
import { listStacks } from '../src/stacks/stacks.ts';
import { getRun } from '../src/runs/queries.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const iterations = Number(process.argv[2] ?? 400);
const LEGACY_COMMIT = process.env.LEGACY_TENANT_COMMIT ?? '8f4ade3';

async function loadLegacyForAccount(): Promise<(prisma: PrismaClient, accountId: string) => TenantDb> {
  const source = execFileSync('git', ['show', `${LEGACY_COMMIT}:packages/db/src/tenant.ts`], { cwd: repoRoot, encoding: 'utf8' })
    .replace("'@gantry/domain'", `'${join(repoRoot, 'packages/domain/src/index.ts')}'`)
    .replace("'./generated/prisma/client.ts'", `'${join(repoRoot, 'packages/db/src/generated/prisma/client.ts')}'`);
  const dir = join(repoRoot, 'packages/db/src/.bench-legacy');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'tenant.ts');
  writeFileSync(file, source);
  try {
    return ((await import(pathToFileURL(file).href)) as { forAccount: (p: PrismaClient, a: string) => TenantDb }).forAccount;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function seed(prisma: PrismaClient, slug: string) {
  const account = await prisma.account.create({ data: { slug, name: slug } });
  const space = await prisma.space.create({ data: { accountId: account.id, name: 'root' } });
  let runId = '';
  for (let s = 0; s < 20; s++) {
    const stack = await prisma.stack.create({
      data: { accountId: account.id, spaceId: space.id, name: `stack-${s}`, repositoryUrl: '/srv/repo', branch: 'main', labels: ['prod'] },
    });
    for (let r = 0; r < 10; r++) {
      const run = await prisma.run.create({ data: { accountId: account.id, stackId: stack.id, state: 'FINISHED' } });
      await prisma.runTransition.createMany({
        data: ['QUEUED', 'READY', 'PREPARING', 'INITIALIZING', 'PLANNING', 'FINISHED'].map((toState) => ({
          accountId: account.id,
          runId: run.id,
          toState: toState as 'QUEUED',
          event: 'X',
          actorKind: 'SYSTEM' as const,
        })),
      });
      runId = run.id;
    }
  }
  return { account, runId };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}

async function main() {
  const database = await createTestDatabase('gantry_bench');
  const prisma = createPrismaClient(database.url, { poolSize: 4 });
  try {
    const legacyForAccount = await loadLegacyForAccount();
    const { account, runId } = await seed(prisma, 'bench-a');
    await seed(prisma, 'bench-b');
    const services = { secretBox: new SecretBox(randomBytes(32)), events: NO_EVENTS, resolveCommit: async () => ({ sha: '', message: '' }), commitPinDelayMs: 0, commitPins: new CommitPins(), now: () => new Date() };
    const scopeOver = (db: TenantDb): AccountScope => ({
      db,
      account: { id: account.id, slug: account.slug, name: account.name },
      actor: { kind: 'SYSTEM' },
      role: 'READER',
      services,
    });
    const current = scopeOver(forAccount(prisma, account.id));
    const legacy = scopeOver(legacyForAccount(prisma, account.id));
    const stackId = (await prisma.stack.findFirstOrThrow({ where: { accountId: account.id } })).id;

    const variants: Record<string, () => Promise<unknown>> = {
      'run by id: raw': () => prisma.run.findFirst({ where: { id: runId, accountId: account.id } }),
      'run by id: rls-raw': () => withTenantSession(prisma, account.id, (tx) => tx.run.findFirst({ where: { id: runId } })),
      'run by id: legacy handle': () => legacy.db.run.findUnique({ where: { id: runId } }),
      'run by id: handle': () => current.db.run.findUnique({ where: { id: runId } }),
      'runs of a stack (50): legacy handle': () => legacy.db.run.findMany({ where: { stackId }, take: 50, orderBy: { createdAt: 'desc' } }),
      'runs of a stack (50): handle': () => current.db.run.findMany({ where: { stackId }, take: 50, orderBy: { createdAt: 'desc' } }),
      // stacks.list before lastRun became the lock holder: one query, every run of every stack loaded.
      'stacks.list, old query (newest run): legacy handle': () =>
        legacy.db.stack.findMany({
          orderBy: { name: 'asc' },
          include: { runs: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 1, select: { id: true, state: true, createdAt: true, commitSha: true } } },
        }),
      'stacks.list use-case: legacy handle': () => listStacks(legacy),
      'stacks.list use-case: handle': () => listStacks(current),
      'runs.get use-case: legacy handle': () => getRun(legacy, runId),
      'runs.get use-case: handle': () => getRun(current, runId),
      'transaction (lock + read + write): legacy handle': () =>
        legacy.db.transaction(async (tx) => {
          await tx.lockRun(runId);
          await tx.run.findUnique({ where: { id: runId } });
          await tx.run.update({ where: { id: runId }, data: { error: null } });
        }),
      'transaction (lock + read + write): handle': () =>
        current.db.transaction(async (tx) => {
          await tx.lockRun(runId);
          await tx.run.findUnique({ where: { id: runId } });
          await tx.run.update({ where: { id: runId }, data: { error: null } });
        }),
    };
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let i = 0; i < 50; i++) for (const fn of Object.values(variants)) await fn(); // warm-up
    for (let i = 0; i < iterations; i++) {
      for (const [name, fn] of Object.entries(variants)) {
        const start = process.hrtime.bigint();
        await fn();
        samples[name]!.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }
    console.log(`${iterations} iterations each, ms (median / p95)`);
    for (const [name, values] of Object.entries(samples)) {
      const { median, p95 } = stats(values);
      console.log(`${name.padEnd(52)} ${median.toFixed(3).padStart(8)} ${p95.toFixed(3).padStart(8)}`);
    }
  } finally {
    await prisma.$disconnect();
    await database.drop();
  }
}

await main();
