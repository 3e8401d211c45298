import { TRPCError } from '@trpc/server';
import { createTestServices, type TestServices } from '@gantry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextFactory } from './context.ts';
import { appRouter } from './routers/app.ts';
import { appProcedures, callProcedure, trpcCodeOf as codeOf } from './testing.ts';
import { createCallerFactory } from './trpc.ts';

/**
 * Roles over the whole AppRouter: a READER may call every query and no mutation; a WRITER every
 * mutation except the admin-only ones. The procedure list comes from the router itself, so a new
 * procedure without a case here fails.
 */

interface Fixture {
  stackId: string;
  runId: string;
  queuedRunId: string;
  envId: string;
  /** A READER member of the account (target of member changes). */
  memberId: string;
  /** A pending invitation. */
  invitationId: string;
}

const unique = () => Math.random().toString(36).slice(2, 10);

const INPUTS: Record<string, (f: Fixture) => unknown> = {
  'members.list': () => undefined,
  'members.add': () => ({ email: `new-${unique()}@example.test`, role: 'WRITER' }),
  'members.updateRole': (f) => ({ userId: f.memberId, role: 'ADMIN' }),
  'members.remove': (f) => ({ userId: f.memberId }),
  'invitations.list': () => undefined,
  'invitations.revoke': (f) => ({ id: f.invitationId }),
  'stacks.list': () => ({}),
  'stacks.get': (f) => ({ id: f.stackId }),
  'stacks.create': () => ({ name: `made-${Math.random().toString(36).slice(2, 8)}`, repositoryUrl: '/srv/git/infra', branch: 'main' }),
  'stacks.update': (f) => ({ id: f.stackId, description: 'changed' }),
  'stacks.delete': (f) => ({ id: f.stackId }),
  'stacks.unlock': (f) => ({ id: f.stackId }),
  'env.list': (f) => ({ stackId: f.stackId }),
  'env.set': (f) => ({ stackId: f.stackId, name: 'REGION', value: 'eu-west-1', secret: false }),
  'env.delete': (f) => ({ stackId: f.stackId, id: f.envId }),
  'runs.list': (f) => ({ stackId: f.stackId }),
  'runs.get': (f) => ({ id: f.runId }),
  'runs.trigger': (f) => ({ stackId: f.stackId }),
  'runs.confirm': (f) => ({ id: f.runId }),
  'runs.discard': (f) => ({ id: f.queuedRunId }),
  'runs.stop': (f) => ({ id: f.runId }),
  'runs.retry': (f) => ({ id: f.runId }),
};
/** Not account-scoped: no role applies. */
const GLOBAL = new Set(['auth.signUp', 'me.get', 'invitations.lookup', 'invitations.accept', 'invitations.signUp']);
const ADMIN_ONLY = new Set(['stacks.delete', 'members.add', 'members.updateRole', 'members.remove', 'invitations.revoke']);

let t: TestServices;
let createContext: ReturnType<typeof createContextFactory>;
const createCaller = createCallerFactory(appRouter);
let slug: string;
let accountId: string;
let ownerId: string;

const call = (userId: string, path: string, input: unknown) => callProcedure(createContext, userId, slug, path, input);

/** A fresh stack with a variable, a run holding the lock and one queued behind it. */
async function fixture(): Promise<Fixture> {
  const stack = (await call(ownerId, 'stacks.create', { name: `roles-${Math.random().toString(36).slice(2, 8)}`, repositoryUrl: '/srv/git/infra', branch: 'main' })) as { id: string };
  const env = (await call(ownerId, 'env.set', { stackId: stack.id, name: 'TF_VAR_token', value: 's3cret', secret: true })) as { id: string };
  const run = (await call(ownerId, 'runs.trigger', { stackId: stack.id })) as { id: string };
  const queued = (await call(ownerId, 'runs.trigger', { stackId: stack.id })) as { id: string };
  const memberId = await member(`target-${unique()}`, 'READER');
  const invited = (await call(ownerId, 'members.add', { email: `invited-${unique()}@example.test`, role: 'READER' })) as { invitation: { id: string } };
  return { stackId: stack.id, runId: run.id, queuedRunId: queued.id, envId: env.id, memberId, invitationId: invited.invitation.id };
}

/** What member changes could touch: the members with their roles and the pending invitations. */
async function membersAndInvitations() {
  const members = await t.services.prisma.membership.findMany({ where: { accountId }, orderBy: { id: 'asc' }, select: { userId: true, role: true } });
  const invitations = await t.services.prisma.invitation.findMany({ where: { accountId }, orderBy: { id: 'asc' }, select: { id: true, email: true, role: true } });
  return { members, invitations };
}

async function member(name: string, role: 'READER' | 'WRITER'): Promise<string> {
  const caller = createCaller(await createContext({ userId: null, accountSlug: null }));
  const { user } = await caller.auth.signUp({ email: `${name}@example.test`, password: 'long enough pw', name, accountName: `${name} home` });
  await t.services.prisma.membership.create({ data: { accountId, userId: user.id, role } });
  return user.id;
}

beforeAll(async () => {
  t = await createTestServices({ resolveCommit: async () => ({ sha: 'c0ffee', message: 'Commit' }) });
  createContext = createContextFactory(t.services);
  const caller = createCaller(await createContext({ userId: null, accountSlug: null }));
  const owner = await caller.auth.signUp({ email: 'owner@example.test', password: 'long enough pw', name: 'Owner', accountName: 'Roles' });
  ownerId = owner.user.id;
  slug = owner.account.slug;
  accountId = owner.account.id;
});

afterAll(async () => {
  await t?.cleanup();
});

describe('roles over the whole AppRouter', () => {
  it('has an input for every account procedure', () => {
    expect(Object.keys(appProcedures()).filter((p) => !GLOBAL.has(p)).sort()).toEqual(Object.keys(INPUTS).sort());
  });

  it('READER: every query answers, every mutation is FORBIDDEN and changes nothing', async () => {
    const reader = await member('reader', 'READER');
    const f = await fixture();
    const before = await t.services.prisma.run.findMany({ where: { accountId }, orderBy: { id: 'asc' }, select: { id: true, state: true } });
    const membersBefore = await membersAndInvitations();
    for (const [path, type] of Object.entries(appProcedures())) {
      if (GLOBAL.has(path)) continue;
      const code = await codeOf(call(reader, path, INPUTS[path]!(f)));
      expect(code, path).toBe(type === 'mutation' ? 'FORBIDDEN' : 'OK');
    }
    expect(await t.services.prisma.run.findMany({ where: { accountId }, orderBy: { id: 'asc' }, select: { id: true, state: true } })).toEqual(before);
    expect(await t.services.prisma.stack.count({ where: { accountId } })).toBe(1);
    expect(await t.services.prisma.environmentVariable.count({ where: { stackId: f.stackId } })).toBe(1);
    expect(await membersAndInvitations()).toEqual(membersBefore);
  });

  it('WRITER: every mutation but the admin-only ones passes the role check', async () => {
    const writer = await member('writer', 'WRITER');
    for (const [path, type] of Object.entries(appProcedures())) {
      if (GLOBAL.has(path) || type !== 'mutation') continue;
      const f = await fixture();
      const code = await codeOf(call(writer, path, INPUTS[path]!(f)));
      if (ADMIN_ONLY.has(path)) expect(code, path).toBe('FORBIDDEN');
      // Other outcomes are about the run's state (confirm on a READY run is a CONFLICT), not the role.
      else expect(code, path).not.toBe('FORBIDDEN');
    }
  });

  it('WRITER: member changes are refused with a message naming the role, and change nothing', async () => {
    const writer = await member('writer2', 'WRITER');
    const f = await fixture();
    const before = await membersAndInvitations();
    for (const path of ['members.add', 'members.updateRole', 'members.remove', 'invitations.revoke']) {
      const error = await call(writer, path, INPUTS[path]!(f)).then(
        () => null,
        (e: unknown) => e as TRPCError,
      );
      expect(error?.code, path).toBe('FORBIDDEN');
      expect(error?.message, path).toBe('Your role in Roles is WRITER; only admins can do this');
    }
    expect(await membersAndInvitations()).toEqual(before);
  });

  it('ADMIN: every admin-only mutation passes the role check', async () => {
    for (const path of ADMIN_ONLY) {
      const f = await fixture();
      const code = await codeOf(call(ownerId, path, INPUTS[path]!(f)));
      // Deleting a stack whose run is active is a CONFLICT about the run, not the role.
      expect(code, path).toBe(path === 'stacks.delete' ? 'CONFLICT' : 'OK');
    }
  });
});
