import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { createGitRepoFixture, terraformDataConfig, type GitRepoFixture } from '@gantry/test-support';
import { createTestServices, type TestServices } from '@gantry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextFactory } from './context.ts';
import { appRouter } from './routers/app.ts';
import { createCallerFactory } from './trpc.ts';

/**
 * Every procedure of the AppRouter, called by a user of account B with account A's slug or with A's
 * ids, answers NOT_FOUND (or, for lists, shows nothing of A). The procedure list comes from the
 * router itself: a new procedure without a case below fails this test.
 */

interface A {
  slug: string;
  stackId: string;
  stackName: string;
  runId: string;
  unconfirmedLikeRunId: string;
  envId: string;
}

type Case =
  | { kind: 'global'; why: string }
  | { kind: 'by-id'; input: (a: A) => unknown }
  | { kind: 'list'; input: (a: A) => unknown; ids: (result: unknown) => string[] }
  | { kind: 'create'; input: (a: A) => unknown };

const CASES: Record<string, Case> = {
  'auth.signUp': { kind: 'global', why: 'creates a new user and account; takes no account id' },
  'me.get': { kind: 'global', why: 'the signed-in user’s own memberships' },
  'members.list': { kind: 'list', input: () => undefined, ids: (r) => (r as { user: { id: string } }[]).map((m) => m.user.id) },
  'stacks.list': { kind: 'list', input: () => ({}), ids: (r) => (r as { id: string }[]).map((s) => s.id) },
  'stacks.get': { kind: 'by-id', input: (a) => ({ id: a.stackId }) },
  'stacks.create': {
    kind: 'create',
    input: (a) => ({ name: a.stackName, labels: [], repositoryUrl: '/srv/repo', branch: 'main', projectRoot: '', vendor: 'OPENTOFU', autodeploy: false }),
  },
  'stacks.update': { kind: 'by-id', input: (a) => ({ id: a.stackId, name: 'hijacked' }) },
  'stacks.delete': { kind: 'by-id', input: (a) => ({ id: a.stackId }) },
  'stacks.unlock': { kind: 'by-id', input: (a) => ({ id: a.stackId }) },
  'env.list': { kind: 'by-id', input: (a) => ({ stackId: a.stackId }) },
  'env.set': { kind: 'by-id', input: (a) => ({ stackId: a.stackId, name: 'HIJACK', value: 'x', secret: false }) },
  'env.delete': { kind: 'by-id', input: (a) => ({ stackId: a.stackId, id: a.envId }) },
  'runs.list': { kind: 'by-id', input: (a) => ({ stackId: a.stackId }) },
  'runs.get': { kind: 'by-id', input: (a) => ({ id: a.runId }) },
  'runs.trigger': { kind: 'by-id', input: (a) => ({ stackId: a.stackId }) },
  'runs.confirm': { kind: 'by-id', input: (a) => ({ id: a.unconfirmedLikeRunId }) },
  'runs.discard': { kind: 'by-id', input: (a) => ({ id: a.unconfirmedLikeRunId }) },
  'runs.stop': { kind: 'by-id', input: (a) => ({ id: a.runId }) },
  'runs.retry': { kind: 'by-id', input: (a) => ({ id: a.runId }) },
};

let t: TestServices;
let repo: GitRepoFixture;
let createContext: ReturnType<typeof createContextFactory>;
const createCaller = createCallerFactory(appRouter);
let a: A;
let userA: string;
let userB: string;
let slugB: string;

const procedurePaths = () => Object.keys((appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures).sort();

async function call(userId: string | null, slug: string | null, path: string, input: unknown): Promise<unknown> {
  const caller = createCaller(await createContext({ userId, accountSlug: slug })) as unknown as Record<string, unknown>;
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (i: unknown) => Promise<unknown>;
  return fn(input);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

beforeAll(async () => {
  t = await createTestServices();
  createContext = createContextFactory(t.services);
  repo = await createGitRepoFixture({ files: terraformDataConfig() });
  const signUp = (n: string) => call(null, null, 'auth.signUp', { email: `${n}@example.test`, password: 'long enough pw', name: n, accountName: `Tenant ${n}` }) as Promise<{ user: { id: string }; account: { slug: string } }>;
  const ra = await signUp('alice');
  const rb = await signUp('bob');
  userA = ra.user.id;
  userB = rb.user.id;
  slugB = rb.account.slug;
  const asA = (path: string, input: unknown) => call(userA, ra.account.slug, path, input);
  const stack = (await asA('stacks.create', { name: 'secret-stack', labels: [], repositoryUrl: repo.url, branch: 'main', projectRoot: '', vendor: 'OPENTOFU', autodeploy: false })) as { id: string };
  const env = (await asA('env.set', { stackId: stack.id, name: 'TF_VAR_db_password', value: 'pw', secret: true })) as { id: string };
  const run = (await asA('runs.trigger', { stackId: stack.id })) as { id: string };
  const queued = (await asA('runs.trigger', { stackId: stack.id })) as { id: string };
  a = { slug: ra.account.slug, stackId: stack.id, stackName: 'secret-stack', runId: run.id, unconfirmedLikeRunId: queued.id, envId: env.id };
});

afterAll(async () => {
  await repo?.cleanup();
  await t?.cleanup();
});

describe('tenant isolation over the whole AppRouter', () => {
  it('has a case for every procedure', () => {
    expect(procedurePaths()).toEqual(Object.keys(CASES).sort());
  });

  it('another account’s user, sent with this account’s slug: NOT_FOUND everywhere', async () => {
    for (const path of procedurePaths()) {
      const c = CASES[path]!;
      if (c.kind === 'global') continue;
      expect(await codeOf(call(userB, a.slug, path, c.input(a))), path).toBe('NOT_FOUND');
    }
  });

  it('another account’s user, in their own account, with this account’s ids: NOT_FOUND; lists show nothing of it', async () => {
    for (const path of procedurePaths()) {
      const c = CASES[path]!;
      if (c.kind === 'by-id') {
        expect(await codeOf(call(userB, slugB, path, c.input(a))), path).toBe('NOT_FOUND');
      } else if (c.kind === 'list') {
        const ids = c.ids(await call(userB, slugB, path, c.input(a)));
        expect(ids, path).not.toContain(a.stackId);
        expect(ids, path).not.toContain(userA);
      } else if (c.kind === 'create') {
        // Creating in one's own account never touches the other (names are unique per account).
        expect(await codeOf(call(userB, slugB, path, c.input(a))), path).toBe('OK');
      }
    }
  });

  it('errors do not tell another account’s ids from ids that never existed', async () => {
    const ghost: A = { ...a, stackId: randomUUID(), runId: randomUUID(), unconfirmedLikeRunId: randomUUID(), envId: randomUUID() };
    const ids = [a.stackId, a.runId, a.unconfirmedLikeRunId, a.envId, ghost.stackId, ghost.runId, ghost.unconfirmedLikeRunId, ghost.envId];
    const seen = async (input: unknown, path: string) => {
      try {
        await call(userB, slugB, path, input);
        return 'OK';
      } catch (error) {
        if (!(error instanceof TRPCError)) throw error;
        return ids.reduce((text, id) => text.split(id).join('<id>'), `${error.code} ${error.message}`);
      }
    };
    for (const path of procedurePaths()) {
      const c = CASES[path]!;
      if (c.kind !== 'by-id') continue;
      expect(await seen(c.input(a), path), path).toBe(await seen(c.input(ghost), path));
    }
  });

  it('signed out: every account procedure answers UNAUTHORIZED', async () => {
    for (const path of procedurePaths()) {
      const c = CASES[path]!;
      if (c.kind === 'global') continue;
      expect(await codeOf(call(null, a.slug, path, c.input(a))), path).toBe('UNAUTHORIZED');
    }
  });

  it('left account A untouched', async () => {
    const asA = (path: string, input: unknown) => call(userA, a.slug, path, input);
    const stack = (await asA('stacks.get', { id: a.stackId })) as { name: string };
    expect(stack.name).toBe('secret-stack');
    const env = (await asA('env.list', { stackId: a.stackId })) as { name: string }[];
    expect(env.map((v) => v.name)).toEqual(['TF_VAR_db_password']);
    const runs = (await asA('runs.list', { stackId: a.stackId })) as { items: { id: string; state: string }[] };
    expect(runs.items.map((r) => r.state).sort()).toEqual(['QUEUED', 'READY']);
  });
});
