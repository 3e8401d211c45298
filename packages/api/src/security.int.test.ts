import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson from 'superjson';
import { AUTH_RATE_RULES, rateLimiterFor } from '@gantry/core';
import { createTestServices, type TestServices } from '@gantry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContextFactory } from './context.ts';
import { appRouter } from './routers/app.ts';

/** What a browser gets over HTTP: input limits, internals, secrets. */

let t: TestServices;
let createContext: ReturnType<typeof createContextFactory>;
let userId: string;
let slug: string;
let accountId: string;
const SECRET = 'hunter2-very-secret-value';

interface HttpResult {
  status: number;
  raw: string;
  error?: { message: string; data: Record<string, unknown> };
  result?: unknown;
}

async function http(path: string, input: unknown, kind: 'query' | 'mutation' = 'mutation', clientIp?: string): Promise<HttpResult> {
  const serialized = JSON.stringify(superjson.serialize(input));
  const url = kind === 'query' ? `http://localhost/api/trpc/${path}?input=${encodeURIComponent(serialized)}` : `http://localhost/api/trpc/${path}`;
  const response = await fetchRequestHandler({
    endpoint: '/api/trpc',
    req: new Request(url, kind === 'query' ? { method: 'GET' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: serialized }),
    router: appRouter,
    createContext: () => createContext({ userId, accountSlug: slug, clientIp }),
  });
  const raw = await response.text();
  const json = JSON.parse(raw) as { error?: Parameters<typeof superjson.deserialize>[0]; result?: { data: Parameters<typeof superjson.deserialize>[0] } };
  return {
    status: response.status,
    raw,
    ...(json.error ? { error: superjson.deserialize(json.error) as HttpResult['error'] } : {}),
    ...(json.result ? { result: superjson.deserialize(json.result.data) } : {}),
  };
}

let stackId: string;

beforeAll(async () => {
  t = await createTestServices({ resolveCommit: async () => ({ sha: 'c0ffee', message: 'Commit' }) });
  createContext = createContextFactory(t.services);
  const caller = (await import('./trpc.ts')).createCallerFactory(appRouter)(await createContext({ userId: null, accountSlug: null }));
  const signedUp = await caller.auth.signUp({ email: 'sec@example.test', password: 'long enough pw', name: 'Sec', accountName: 'Security Co' });
  userId = signedUp.user.id;
  slug = signedUp.account.slug;
  accountId = signedUp.account.id;
  stackId = ((await http('stacks.create', { name: 'sec', repositoryUrl: '/srv/git/infra', branch: 'main' })).result as { id: string }).id;
});

afterAll(async () => {
  await t?.cleanup();
});

describe('oversized and malformed input: a clear 400, never a 500', () => {
  it.each([
    ['stacks.create', 'name', 'Use at most 100 characters', () => ({ name: 'x'.repeat(10_000), repositoryUrl: '/srv/git/infra', branch: 'main' })],
    ['stacks.create', 'description', 'Use at most 5000 characters', () => ({ name: 'ok', description: 'd'.repeat(5001), repositoryUrl: '/srv/git/infra', branch: 'main' })],
    ['stacks.create', 'description', 'Text cannot contain NUL characters', () => ({ name: 'ok', description: 'a\u0000b', repositoryUrl: '/srv/git/infra', branch: 'main' })],
    ['stacks.create', 'labels', 'At most 50 labels', () => ({ name: 'ok', repositoryUrl: '/srv/git/infra', branch: 'main', labels: Array.from({ length: 51 }, (_, i) => `l${i}`) })],
    ['stacks.get', 'id', 'Ids are at most 64 characters', () => ({ id: 'i'.repeat(1_000) })],
    ['env.set', 'value', 'Values are at most 64 KiB', () => ({ stackId, name: 'BIG', value: 'v'.repeat(64 * 1024 + 1), secret: true })],
    ['env.set', 'value', 'Text cannot contain NUL characters', () => ({ stackId, name: 'NUL', value: 'a\u0000', secret: false })],
    ['auth.signUp', 'email', 'Use at most 320 characters', () => ({ email: `${'e'.repeat(400)}@example.test`, password: 'long enough pw', name: 'n', accountName: 'a' })],
    ['auth.signUp', 'name', 'Text cannot contain NUL characters', () => ({ email: 'nul@example.test', password: 'long enough pw', name: 'n\u0000', accountName: 'a' })],
  ] as const)('%s: %s → %s', async (path, field, message, input) => {
    const response = await http(path, input(), path === 'stacks.get' ? 'query' : 'mutation');
    expect(response.status).toBe(400);
    expect(response.error?.data.fieldErrors).toMatchObject({ [field]: [message] });
  });

  it('a search with a NUL character is refused, not sent to Postgres', async () => {
    const response = await http('stacks.list', { search: 'a\u0000' }, 'query');
    expect(response.status).toBe(400);
    expect(response.error?.data.fieldErrors).toMatchObject({ search: ['Text cannot contain NUL characters'] });
  });
});

describe('internals never reach the client', () => {
  it('an unexpected failure is a 500 with a generic message, no stack, no details', async () => {
    const { id: runId } = (await http('runs.trigger', { stackId })).result as { id: string };
    // Tamper with the stored plan so reading it fails deep inside (a DecryptionError, not a DomainError).
    await t.services.prisma.run.update({ where: { id: runId }, data: { resourceChangesCiphertext: Buffer.from('garbage that is long enough to parse as sealed data') } });
    const response = await http('runs.get', { id: runId }, 'query');
    expect(response.status).toBe(500);
    expect(response.error?.message).toBe('Something went wrong on our side');
    expect(response.error?.data.stack).toBeUndefined();
    for (const leak of ['Decrypt', 'decrypt', 'prisma', 'Prisma', 'SELECT', '/work/', 'node_modules', accountId]) expect(response.raw, leak).not.toContain(leak);
  });
});

describe('secrets never leave the server after they are written', () => {
  it('no response of any query contains a secret value, its ciphertext or a password hash', async () => {
    const set = await http('env.set', { stackId, name: 'TF_VAR_token', value: SECRET, secret: true });
    expect(set.status).toBe(200);
    expect(set.raw).not.toContain(SECRET);
    const { id: runId } = (await http('runs.trigger', { stackId })).result as { id: string };
    const invited = await http('members.add', { email: 'invitee@example.test', role: 'READER' });
    const { token } = invited.result as { token: string };
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await t.services.prisma.environmentVariable.findFirstOrThrow({ where: { stackId, name: 'TF_VAR_token' } });
    const ciphertext = Buffer.from(row.ciphertext!).toString('base64');
    const responses = await Promise.all([
      http('env.list', { stackId }, 'query'),
      http('stacks.list', {}, 'query'),
      http('stacks.get', { id: stackId }, 'query'),
      http('runs.list', { stackId }, 'query'),
      http('runs.get', { id: runId }, 'query'),
      http('members.list', undefined, 'query'),
      http('invitations.list', undefined, 'query'),
      http('me.get', undefined, 'query'),
    ]);
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.raw).not.toContain(SECRET);
      expect(response.raw).not.toContain(ciphertext.slice(0, 24));
      expect(response.raw).not.toContain('scrypt$');
      expect(response.raw).not.toContain('passwordHash');
      // An invitation's link is shown once, to the admin who made it; lists never carry it (or its hash).
      expect(response.raw).not.toContain(token);
      expect(response.raw).not.toContain('tokenHash');
    }
    const listed = (responses[0]!.result as { name: string; value: string | null }[]).find((v) => v.name === 'TF_VAR_token');
    expect(listed?.value).toBeNull();
  });

  it('audit entries record that a secret changed, never its value', async () => {
    const entries = await t.services.prisma.auditEntry.findMany({ where: { accountId, action: 'env.set' } });
    expect(entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(entries.map((e) => e.data))).not.toContain(SECRET);
  });
});

describe('sign-up is rate limited per client address', () => {
  it('answers 429 with when to try again', async () => {
    const rule = AUTH_RATE_RULES.signUpPerAddress;
    const limiter = rateLimiterFor(t.services); // the one the API context counts with
    for (let i = 0; i < rule.max; i++) await limiter.consume(rule, '198.51.100.77');
    const input = { email: 'flood@example.test', password: 'long enough pw', name: 'F', accountName: 'Flood' };
    const limited = await http('auth.signUp', input, 'mutation', '198.51.100.77');
    expect(limited.status).toBe(429);
    expect(limited.error?.message).toMatch(/^Too many sign-ups from your network; try again in \d+ minutes?$/);
    expect(limited.error?.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', domainCode: 'RATE_LIMITED' });
    expect((await http('auth.signUp', input, 'mutation', '198.51.100.78')).status).toBe(200);
  });
});

describe('oversized request bodies', () => {
  it('are refused with 413 before they are parsed, as a tRPC error the client can show', async () => {
    const { createApiHandler } = await import('./http.ts');
    const handle = createApiHandler({ endpoint: '/api/trpc', createContext, maxBodyBytes: 64 * 1024 });
    const post = (body: string, headers: Record<string, string> = {}): Promise<Response> =>
      handle(new Request('http://localhost/api/trpc/stacks.create', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }), {
        userId,
        accountSlug: slug,
      });
    const huge = JSON.stringify(superjson.serialize({ name: 'big', description: 'x'.repeat(100 * 1024), repositoryUrl: '/srv/git/infra', branch: 'main' }));
    const refused = await post(huge);
    expect(refused.status).toBe(413);
    const json = (await refused.json()) as { error: Parameters<typeof superjson.deserialize>[0] };
    const error = superjson.deserialize(json.error) as { message: string; data: { code: string } };
    expect(error.message).toBe('The request is larger than 64 KiB; send less data at once');
    expect(error.data.code).toBe('PAYLOAD_TOO_LARGE');

    // A body without a (truthful) length is counted as it streams.
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(new Uint8Array(1024).fill(32));
        controller.close();
      },
    });
    const chunked = await handle(
      new Request('http://localhost/api/trpc/stacks.create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: streamed, duplex: 'half' } as RequestInit),
      { userId, accountSlug: slug },
    );
    expect(chunked.status).toBe(413);

    expect(await t.services.prisma.stack.count({ where: { name: 'big' } })).toBe(0);

    // Within the limit, the call goes through as usual.
    const ok = await handle(
      new Request('http://localhost/api/trpc/stacks.create', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(superjson.serialize({ name: 'via-handler', repositoryUrl: '/srv/git/infra', branch: 'main' })),
      }),
      { userId, accountSlug: slug },
    );
    expect(ok.status).toBe(200);
  });
});
