import { TRPCError } from '@trpc/server';
import { createGitRepoFixture, terraformDataConfig, type GitRepoFixture } from '@gantry/test-support';
import { createTestServices, type TestServices } from '@gantry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from './routers/app.ts';
import { createContextFactory } from './context.ts';
import { createCallerFactory } from './trpc.ts';

let t: TestServices;
let repo: GitRepoFixture;
let createContext: ReturnType<typeof createContextFactory>;
const createCaller = createCallerFactory(appRouter);

const caller = async (userId: string | null, accountSlug: string | null = null) => createCaller(await createContext({ userId, accountSlug }));

/** The error as a client sees it (formatted shape). */
async function clientError(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return error;
  }
  throw new Error('expected an error');
}

beforeAll(async () => {
  t = await createTestServices();
  createContext = createContextFactory(t.services);
  repo = await createGitRepoFixture({ files: terraformDataConfig() });
});

afterAll(async () => {
  await repo?.cleanup();
  await t?.cleanup();
});

describe('API', () => {
  it('signs up, then knows the user and their account', async () => {
    const pub = await caller(null);
    const { user, account } = await pub.auth.signUp({ email: 'Ada@Example.test', password: 'long enough pw', name: 'Ada', accountName: 'Analytical Engines!' });
    expect(user.email).toBe('ada@example.test');
    expect(account.slug).toBe('analytical-engines');
    const me = await (await caller(user.id)).me.get();
    expect(me.accounts).toEqual([{ slug: 'analytical-engines', name: 'Analytical Engines!', role: 'ADMIN' }]);
    const again = await clientError(pub.auth.signUp({ email: 'ada@example.test', password: 'long enough pw', name: 'A', accountName: 'Other' }));
    expect(again.code).toBe('CONFLICT');
    const second = await pub.auth.signUp({ email: 'grace@example.test', password: 'long enough pw', name: 'Grace', accountName: 'Analytical Engines' });
    expect(second.account.slug).toMatch(/^analytical-engines-[a-z0-9]+$/);
    const weak = await clientError(pub.auth.signUp({ email: 'x@example.test', password: 'short', name: 'X', accountName: 'X' }));
    expect(weak.code).toBe('BAD_REQUEST');
  });

  it('requires a session and a membership', async () => {
    expect((await clientError((await caller(null)).me.get())).code).toBe('UNAUTHORIZED');
    const { user } = await (await caller(null)).auth.signUp({ email: 'nomember@example.test', password: 'long enough pw', name: 'N', accountName: 'Nm' });
    expect((await clientError((await caller(user.id, 'analytical-engines')).stacks.list({}))).code).toBe('NOT_FOUND');
    expect((await clientError((await caller(user.id, null)).stacks.list({}))).code).toBe('NOT_FOUND');
  });

  it('stacks: create, duplicate name as a field error, validation, update, delete', async () => {
    const { user, account } = await (await caller(null)).auth.signUp({ email: 'stacks@example.test', password: 'long enough pw', name: 'S', accountName: 'Stacks Co' });
    const api = await caller(user.id, account.slug);
    const input = { name: 'network', labels: ['prod', 'prod', 'eu'], repositoryUrl: repo.url, branch: 'main', projectRoot: './infra/', vendor: 'OPENTOFU' as const, autodeploy: false };
    const stack = await api.stacks.create(input);
    expect(stack).toMatchObject({ name: 'network', labels: ['prod', 'eu'], projectRoot: 'infra', description: '' });

    const dup = await clientError(api.stacks.create(input));
    expect(dup.code).toBe('CONFLICT');
    expect(dup.cause).toMatchObject({ details: { field: 'name' } });

    for (const [field, value] of [
      ['repositoryUrl', 'ftp://example.com/repo.git'],
      ['repositoryUrl', 'relative/path'],
      ['branch', 'bad branch'],
      ['projectRoot', '../outside'],
    ] as const) {
      const error = await clientError(api.stacks.create({ ...input, name: `bad-${field}`, [field]: value }));
      expect(error.code, `${field}=${value}`).toBe('BAD_REQUEST');
    }
    for (const url of ['https://github.com/acme/infra.git', 'ssh://git@github.com/acme/infra.git', 'git@github.com:acme/infra.git', '/srv/git/infra', 'file:///srv/git/infra']) {
      await expect(api.stacks.create({ ...input, labels: [], name: `url-${Math.random().toString(36).slice(2, 8)}`, repositoryUrl: url })).resolves.toBeTruthy();
    }

    const updated = await api.stacks.update({ id: stack.id, autodeploy: true, description: 'core network' });
    expect(updated).toMatchObject({ autodeploy: true, description: 'core network', name: 'network', labels: ['prod', 'eu'] });
    expect((await api.stacks.list({ labels: ['eu'] })).map((s) => s.name)).toEqual(['network']);
    expect((await api.stacks.list({ search: 'NETW' })).map((s) => s.name)).toEqual(['network']);
    expect((await api.stacks.get({ id: stack.id })).lastRun).toBeNull();
    await api.stacks.delete({ id: stack.id });
    expect((await clientError(api.stacks.get({ id: stack.id }))).code).toBe('NOT_FOUND');
  });

  it('env vars: secrets are write-only', async () => {
    const { user, account } = await (await caller(null)).auth.signUp({ email: 'env@example.test', password: 'long enough pw', name: 'E', accountName: 'Env Co' });
    const api = await caller(user.id, account.slug);
    const stack = await api.stacks.create({ name: 'app', labels: [], repositoryUrl: repo.url, branch: 'main', projectRoot: '', vendor: 'OPENTOFU', autodeploy: false });
    const secret = await api.env.set({ stackId: stack.id, name: 'TF_VAR_token', value: 'hunter2', secret: true });
    expect(secret.value).toBeNull();
    await api.env.set({ stackId: stack.id, name: 'REGION', value: 'eu-west-1', secret: false });
    expect((await api.env.list({ stackId: stack.id })).map((v) => [v.name, v.secret, v.value])).toEqual([
      ['REGION', false, 'eu-west-1'],
      ['TF_VAR_token', true, null],
    ]);
    const row = await t.services.prisma.environmentVariable.findFirstOrThrow({ where: { name: 'TF_VAR_token' } });
    expect(row.value).toBeNull();
    expect(Buffer.from(row.ciphertext!).includes(Buffer.from('hunter2'))).toBe(false);
    expect((await clientError(api.env.set({ stackId: stack.id, name: 'PATH', value: '/x', secret: false }))).code).toBe('BAD_REQUEST');
    await api.env.delete({ stackId: stack.id, id: secret.id });
    expect(await api.env.list({ stackId: stack.id })).toHaveLength(1);
  });

  it('runs: trigger, get, list; confirm on a run that is not UNCONFIRMED is a clear conflict', async () => {
    const { user, account } = await (await caller(null)).auth.signUp({ email: 'runs@example.test', password: 'long enough pw', name: 'Runner', accountName: 'Runs Co' });
    const api = await caller(user.id, account.slug);
    const stack = await api.stacks.create({ name: 'app', labels: [], repositoryUrl: repo.url, branch: 'main', projectRoot: '', vendor: 'OPENTOFU', autodeploy: false });
    const { id } = await api.runs.trigger({ stackId: stack.id });
    const run = await api.runs.get({ id });
    // The trigger does no git: the branch head is pinned in the background (or by the worker), so
    // right after the trigger the run may not have its commit yet.
    expect(run).toMatchObject({ state: 'READY', triggeredBy: { id: user.id, name: 'Runner' }, stack: { id: stack.id, name: 'app' } });
    expect(run.commitSha).toBeOneOf([null, repo.sha]);
    expect(run.transitions.map((x) => x.state)).toEqual(['QUEUED', 'READY']);
    expect(run.createdAt).toBeInstanceOf(Date);
    const error = await clientError(api.runs.confirm({ id }));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe('Run is READY; only UNCONFIRMED runs can be confirmed');
    expect((await api.runs.list({ stackId: stack.id })).items.map((r) => r.id)).toEqual([id]);
    expect(await api.runs.discard({ id })).toEqual({ id, state: 'CANCELED' });
    expect((await api.runs.retry({ id })).state).toBe('READY');
  });

  it('readers read but cannot write', async () => {
    const { user: owner, account } = await (await caller(null)).auth.signUp({ email: 'owner@example.test', password: 'long enough pw', name: 'O', accountName: 'Roles Co' });
    const { user: reader } = await (await caller(null)).auth.signUp({ email: 'reader@example.test', password: 'long enough pw', name: 'R', accountName: 'Reader Home' });
    await t.services.prisma.membership.create({ data: { accountId: account.id, userId: reader.id, role: 'READER' } });
    const stack = await (await caller(owner.id, account.slug)).stacks.create({ name: 'ro', labels: [], repositoryUrl: repo.url, branch: 'main', projectRoot: '', vendor: 'OPENTOFU', autodeploy: false });
    const api = await caller(reader.id, account.slug);
    expect((await api.stacks.list({})).map((s) => s.id)).toEqual([stack.id]);
    expect((await api.members.list()).map((m) => m.role).sort()).toEqual(['ADMIN', 'READER']);
    for (const attempt of [
      () => api.stacks.create({ name: 'x', labels: [], repositoryUrl: repo.url, branch: 'main', projectRoot: '', vendor: 'OPENTOFU', autodeploy: false }),
      () => api.runs.trigger({ stackId: stack.id }),
      () => api.env.set({ stackId: stack.id, name: 'A', value: 'b', secret: false }),
      () => api.stacks.delete({ id: stack.id }),
    ]) {
      expect((await clientError(attempt())).code).toBe('FORBIDDEN');
    }
  });

  it('members.add invites an existing user like a new email; they join only by accepting while signed in', async () => {
    const { user: admin, account } = await (await caller(null)).auth.signUp({ email: 'inviter@example.test', password: 'long enough pw', name: 'I', accountName: 'Consent Co' });
    const { user: existing } = await (await caller(null)).auth.signUp({ email: 'existing@example.test', password: 'long enough pw', name: 'E', accountName: 'Existing Home' });
    const api = await caller(admin.id, account.slug);
    const forExisting = await api.members.add({ email: 'existing@example.test', role: 'WRITER' });
    const forNewcomer = await api.members.add({ email: 'newcomer-consent@example.test', role: 'WRITER' });
    // The same answer either way: an admin cannot tell whether an email has a Gantry user.
    expect(Object.keys(forExisting).sort()).toEqual(Object.keys(forNewcomer).sort());
    expect(forExisting.invitation).toMatchObject({ email: 'existing@example.test', role: 'WRITER', expired: false });
    expect((await api.members.list()).map((m) => m.user.id)).toEqual([admin.id]);
    expect((await (await caller(existing.id)).me.get()).accounts.map((a) => a.slug)).not.toContain(account.slug);

    expect(await (await caller(null)).invitations.lookup({ token: forExisting.token })).toMatchObject({ emailHasUser: true, account: { slug: account.slug } });
    expect(await (await caller(existing.id)).invitations.accept({ token: forExisting.token })).toEqual({ account: { slug: account.slug, name: 'Consent Co' }, role: 'WRITER' });
    expect((await api.members.list()).map((m) => [m.user.id, m.role])).toEqual([
      [admin.id, 'ADMIN'],
      [existing.id, 'WRITER'],
    ]);
    expect((await api.invitations.list()).map((i) => i.email)).toEqual(['newcomer-consent@example.test']);
    const again = await clientError(api.members.add({ email: 'existing@example.test', role: 'READER' }));
    expect(again).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already a member of Consent Co, as writer/) });
  });
});

describe('errors over HTTP (what the web client sees)', () => {
  it('a duplicate stack name is CONFLICT with fieldErrors.name; internals never leak', async () => {
    const { fetchRequestHandler } = await import('@trpc/server/adapters/fetch');
    const superjson = (await import('superjson')).default;
    const { user, account } = await (await caller(null)).auth.signUp({ email: 'http@example.test', password: 'long enough pw', name: 'H', accountName: 'Http Co' });
    const input = { name: 'dup', labels: [], repositoryUrl: repo.url, branch: 'main', projectRoot: '', vendor: 'OPENTOFU', autodeploy: false };
    const post = async (path: string, body: unknown) => {
      const response = await fetchRequestHandler({
        endpoint: '/api/trpc',
        req: new Request(`http://localhost/api/trpc/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(superjson.serialize(body)),
        }),
        router: appRouter,
        createContext: () => createContext({ userId: user.id, accountSlug: account.slug }),
      });
      const json = (await response.json()) as { error?: Parameters<typeof superjson.deserialize>[0] };
      const error = json.error ? (superjson.deserialize(json.error) as { message: string; data: Record<string, unknown> }) : undefined;
      return { status: response.status, body: { error } };
    };
    expect((await post('stacks.create', input)).status).toBe(200);
    const dup = await post('stacks.create', input);
    expect(dup.status).toBe(409);
    expect(dup.body.error?.message).toBe('A stack named "dup" already exists in this account');
    expect(dup.body.error?.data).toMatchObject({ code: 'CONFLICT', domainCode: 'CONFLICT', field: 'name', fieldErrors: { name: ['A stack named "dup" already exists in this account'] } });
    expect(dup.body.error?.data.stack).toBeUndefined();
    const invalid = await post('stacks.create', { ...input, name: 'ok', repositoryUrl: 'ftp://x' });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error?.data.fieldErrors as object)).toEqual(['repositoryUrl']);
    const missing = await post('runs.confirm', { id: 'nope' });
    expect(missing.status).toBe(404);
  });
});
