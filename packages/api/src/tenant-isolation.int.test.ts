import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { createGitRepoFixture, terraformDataConfig, type GitRepoFixture } from '@gantry/test-support';
import { createTestServices, type TestServices } from '@gantry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextFactory } from './context.ts';
import { appProcedures, callProcedure, trpcCodeOf as codeOf } from './testing.ts';

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
  /** A member of A (A's own user). */
  memberId: string;
  /** A pending invitation of A. */
  invitationId: string;
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
  // An email no user has: inviting it in one's own account touches no other account.
  'members.add': { kind: 'create', input: () => ({ email: 'newcomer@example.test', role: 'READER' }) },
  'members.updateRole': { kind: 'by-id', input: (a) => ({ userId: a.memberId, role: 'READER' }) },
  'members.remove': { kind: 'by-id', input: (a) => ({ userId: a.memberId }) },
  'invitations.list': { kind: 'list', input: () => undefined, ids: (r) => (r as { id: string }[]).map((i) => i.id) },
  'invitations.revoke': { kind: 'by-id', input: (a) => ({ id: a.invitationId }) },
  'invitations.lookup': { kind: 'global', why: 'the token names the account; only its holder can use it (see the invitation test below)' },
  'invitations.accept': { kind: 'global', why: 'the token names the account; only the invited email may use it (see below)' },
  'invitations.signUp': { kind: 'global', why: 'creates a user with the invited email; the token names the account (see below)' },
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
let a: A;
let userA: string;
let userB: string;
let slugB: string;
let tokenA: string;

const procedurePaths = () => Object.keys(appProcedures()).sort();

const call = (userId: string | null, slug: string | null, path: string, input: unknown) => callProcedure(createContext, userId, slug, path, input);

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
  const invited = (await asA('members.add', { email: 'pending@example.test', role: 'WRITER' })) as { invitation: { id: string }; token: string };
  tokenA = invited.token;
  a = {
    slug: ra.account.slug,
    stackId: stack.id,
    stackName: 'secret-stack',
    runId: run.id,
    unconfirmedLikeRunId: queued.id,
    envId: env.id,
    memberId: userA,
    invitationId: invited.invitation.id,
  };
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
        expect(ids, path).not.toContain(a.invitationId);
      } else if (c.kind === 'create') {
        // Creating in one's own account never touches the other (names are unique per account).
        expect(await codeOf(call(userB, slugB, path, c.input(a))), path).toBe('OK');
      }
    }
  });

  it('errors do not tell another account’s ids from ids that never existed', async () => {
    const ghost: A = {
      ...a,
      stackId: randomUUID(),
      runId: randomUUID(),
      unconfirmedLikeRunId: randomUUID(),
      envId: randomUUID(),
      memberId: randomUUID(),
      invitationId: randomUUID(),
    };
    const keys = ['stackId', 'runId', 'unconfirmedLikeRunId', 'envId', 'memberId', 'invitationId'] as const;
    const ids = [...keys.map((k) => a[k]), ...keys.map((k) => ghost[k])];
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
    const members = (await asA('members.list', undefined)) as { user: { id: string }; role: string }[];
    expect(members.map((m) => [m.user.id, m.role])).toEqual([[userA, 'ADMIN']]);
    const invitations = (await asA('invitations.list', undefined)) as { id: string }[];
    expect(invitations.map((i) => i.id)).toEqual([a.invitationId]);
  });

  it('invitation links: only the invited email joins, and only the account the token names', async () => {
    // B (another email) holds A's link: may see what it offers, may not use it.
    expect(await call(userB, null, 'invitations.lookup', { token: tokenA })).toMatchObject({ email: 'pending@example.test', account: { slug: a.slug } });
    const refused = await call(userB, slugB, 'invitations.accept', { token: tokenA }).then(
      () => null,
      (e: unknown) => e as TRPCError,
    );
    expect(refused?.code).toBe('FORBIDDEN');
    expect(refused?.message).toMatch(/^This invitation is for pending@example\.test, and you are signed in as bob@example\.test/);
    expect(await codeOf(call(userB, a.slug, 'stacks.list', {}))).toBe('NOT_FOUND');
    // Signed out, it is not a session: accepting needs one.
    expect(await codeOf(call(null, null, 'invitations.accept', { token: tokenA }))).toBe('UNAUTHORIZED');
    // A made-up token reaches nothing.
    expect(await codeOf(call(null, null, 'invitations.lookup', { token: 'x'.repeat(43) }))).toBe('NOT_FOUND');
    expect(await codeOf(call(null, null, 'invitations.signUp', { token: 'x'.repeat(43), name: 'Eve', password: 'long enough pw' }))).toBe('NOT_FOUND');

    // The invitee signs up through the link: a member of A (with the invited role), of nothing else.
    const joined = (await call(null, null, 'invitations.signUp', { token: tokenA, name: 'Pat', password: 'long enough pw' })) as { user: { id: string } };
    const me = (await call(joined.user.id, null, 'me.get', undefined)) as { accounts: { slug: string; role: string }[] };
    expect(me.accounts).toEqual([{ slug: a.slug, name: 'Tenant alice', role: 'WRITER' }]);
    expect(await codeOf(call(joined.user.id, slugB, 'stacks.list', {}))).toBe('NOT_FOUND');
    expect(((await call(joined.user.id, a.slug, 'stacks.list', {})) as { id: string }[]).map((s) => s.id)).toEqual([a.stackId]);
  });
});
