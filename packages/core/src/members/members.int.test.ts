import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountScope, Role } from '../context.ts';
import { scopeServices } from '../services.ts';
import { createTestAccount, createTestServices, type TestServices } from '../testing.ts';
import { createMemoryRateLimiter } from '../users/rate-limit.ts';
import { accountScopeForUser, AUTH_RATE_RULES, getMe, signUp } from '../users/users.ts';
import { createUserDirectory, type UserDirectory } from './directory.ts';
import { acceptInvitation, listInvitations, lookupInvitation, revokeInvitation, signUpWithInvitation } from './invitations.ts';
import { addMember, changeMemberRole, listMembers, removeMember } from './members.ts';
import { INVITATION_TTL_MS, invitationTokenHash } from './tokens.ts';

let t: TestServices;
let directory: UserDirectory;
let counter = 0;

beforeAll(async () => {
  t = await createTestServices();
  directory = createUserDirectory(t.services.prisma);
});

afterAll(async () => {
  await t?.cleanup();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** A user with an account of their own (not a member of anything else yet). */
async function newUser(name: string) {
  counter += 1;
  const email = `${name.toLowerCase()}-${counter}@example.test`;
  const { user } = await signUp(t.services.prisma, { email, password: 'long enough pw', name, accountName: `${name} home ${counter}` });
  return user;
}

/** The way an existing user joins: the admin invites their email, they accept while signed in. */
async function join(admin: AccountScope, user: { id: string; email: string }, role: Role) {
  const { token } = await addMember(admin, directory, { email: user.email, role });
  return acceptInvitation(t.services.prisma, user.id, token);
}

const scopeOf = (userId: string, slug: string) => accountScopeForUser(t.services.prisma, scopeServices(t.services), userId, slug);

/** The same scope with its clock moved. */
const at = (scope: AccountScope, now: Date): AccountScope => ({ ...scope, services: { ...scope.services, now: () => now } });

describe('adding members', () => {
  it('invites an existing user too: they join with the role only when they accept; the member list shows name, email, role, joined', async () => {
    const { scope: admin } = await createTestAccount(t.services, 'Add');
    const grace = await newUser('Grace');
    const result = await addMember(admin, directory, { email: `  ${grace.email.toUpperCase()} `, role: 'WRITER' });
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.invitation).toMatchObject({ email: grace.email, role: 'WRITER', expired: false });
    // Nothing changes for Grace until she consents.
    expect((await listMembers(admin)).map((m) => m.user.name)).toEqual(['Add User']);
    expect((await getMe(t.services.prisma, grace.id)).accounts).toHaveLength(1);
    expect(await lookupInvitation(t.services.prisma, result.token)).toMatchObject({ email: grace.email, role: 'WRITER', emailHasUser: true });
    // Signing up through the link is refused at once (she has a user): she signs in and accepts.
    const signUpAgain = await signUpWithInvitation(t.services.prisma, { token: result.token, name: 'Grace', password: 'long enough pw' }).catch((e: Error & { code: string }) => e);
    expect(signUpAgain).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('Sign in with it, then open this link again to join.') });
    expect(await acceptInvitation(t.services.prisma, grace.id, result.token)).toEqual({ account: { slug: admin.account.slug, name: admin.account.name }, role: 'WRITER' });
    expect(await listInvitations(admin)).toEqual([]);
    const members = await listMembers(admin);
    expect(members.map((m) => [m.user.name, m.role])).toEqual([
      ['Add User', 'ADMIN'],
      ['Grace', 'WRITER'],
    ]);
    expect(members[1]!.createdAt).toBeInstanceOf(Date);
    // Grace now switches between her own account and this one.
    expect((await getMe(t.services.prisma, grace.id)).accounts.map((a) => [a.slug, a.role])).toEqual([
      [expect.any(String), 'ADMIN'],
      [admin.account.slug, 'WRITER'],
    ]);
    const again = await addMember(admin, directory, { email: grace.email, role: 'READER' }).catch((e: unknown) => e as { code: string; message: string; details: unknown });
    expect(again).toMatchObject({ code: 'CONFLICT', details: { field: 'email' } });
    expect((again as { message: string }).message).toMatch(/already a member of .*, as writer/);
  });

  it('invites an unknown email: a pending invitation whose token is returned once and stored only as a hash', async () => {
    const { scope: admin } = await createTestAccount(t.services, 'Invite');
    const result = await addMember(admin, directory, { email: 'Newcomer@Example.test', role: 'READER' });
    expect(await lookupInvitation(t.services.prisma, result.token)).toMatchObject({ emailHasUser: false });
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.invitation).toMatchObject({ email: 'newcomer@example.test', role: 'READER', expired: false, invitedBy: { name: 'Invite User' } });
    expect(result.invitation.expiresAt.getTime() - result.invitation.createdAt.getTime()).toBe(INVITATION_TTL_MS);
    const row = await t.services.prisma.invitation.findUniqueOrThrow({ where: { id: result.invitation.id } });
    expect(row.tokenHash).toBe(invitationTokenHash(result.token));
    expect(JSON.stringify(row)).not.toContain(result.token);
    expect((await listInvitations(admin)).map((i) => i.email)).toEqual(['newcomer@example.test']);

    // Inviting again replaces the invitation: the first link stops working.
    const second = await addMember(admin, directory, { email: 'newcomer@example.test', role: 'WRITER' });
    expect(await codeOf(lookupInvitation(t.services.prisma, result.token))).toBe('NOT_FOUND');
    expect(await lookupInvitation(t.services.prisma, second.token)).toMatchObject({ email: 'newcomer@example.test', role: 'WRITER', account: { slug: admin.account.slug } });
    expect(await listInvitations(admin)).toHaveLength(1);
  });

  it('refuses bad input with field errors', async () => {
    const { scope: admin } = await createTestAccount(t.services, 'Input');
    const error = await addMember(admin, directory, { email: 'not an email', role: 'READER' }).catch((e: unknown) => e as { code: string; details: { fieldErrors: object } });
    expect(error).toMatchObject({ code: 'INVALID_INPUT', details: { fieldErrors: { email: ['Enter a valid email address'] } } });
    expect(await codeOf(addMember(admin, directory, { email: 'a@example.test', role: 'OWNER' as Role }))).toBe('INVALID_INPUT');
  });

  it('only admins add, change and remove members, and revoke invitations', async () => {
    const { scope: admin } = await createTestAccount(t.services, 'Authz');
    const writer = await newUser('Writer');
    await join(admin, writer, 'WRITER');
    const asWriter = await scopeOf(writer.id, admin.account.slug);
    const invited = await addMember(admin, directory, { email: 'someone@example.test', role: 'READER' });
    expect(await codeOf(addMember(asWriter, directory, { email: 'x@example.test', role: 'ADMIN' }))).toBe('FORBIDDEN');
    expect(await codeOf(changeMemberRole(asWriter, { userId: writer.id, role: 'ADMIN' }))).toBe('FORBIDDEN');
    expect(await codeOf(removeMember(asWriter, { userId: writer.id }))).toBe('FORBIDDEN');
    expect(await codeOf(revokeInvitation(asWriter, { id: invited.invitation.id }))).toBe('FORBIDDEN');
    expect((await listMembers(admin)).find((m) => m.user.id === writer.id)?.role).toBe('WRITER');
  });
});

describe('roles and the last admin', () => {
  it('changes roles and removes members; the last admin can be neither demoted nor removed', async () => {
    const { scope: admin, userId: adminId } = await createTestAccount(t.services, 'Last');
    const other = await newUser('Other');
    await join(admin, other, 'READER');

    const demoteSelf = await changeMemberRole(admin, { userId: adminId, role: 'WRITER' }).catch((e: Error & { code: string }) => e);
    expect(demoteSelf).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^You are the only admin of .+, so cannot be made writer\. Make another member an admin first\.$/) });
    expect(await codeOf(removeMember(admin, { userId: adminId }))).toBe('CONFLICT');

    expect(await changeMemberRole(admin, { userId: other.id, role: 'ADMIN' })).toMatchObject({ role: 'ADMIN' });
    // Two admins now: one may step down.
    expect(await changeMemberRole(admin, { userId: adminId, role: 'READER' })).toMatchObject({ role: 'READER' });
    const asOther = await scopeOf(other.id, admin.account.slug);
    const removeLast = await removeMember(asOther, { userId: other.id }).catch((e: Error & { code: string }) => e);
    expect(removeLast).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/only admin/) });
    expect(await removeMember(asOther, { userId: adminId })).toEqual({ userId: adminId });
    expect((await listMembers(asOther)).map((m) => [m.user.id, m.role])).toEqual([[other.id, 'ADMIN']]);
    expect(await codeOf(removeMember(asOther, { userId: adminId }))).toBe('NOT_FOUND');
    expect(await codeOf(changeMemberRole(asOther, { userId: 'no-such-user', role: 'READER' }))).toBe('NOT_FOUND');

    const audit = await t.services.prisma.auditEntry.findMany({ where: { accountId: admin.account.id, action: { startsWith: 'member.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['member.invite', 'member.role', 'member.role', 'member.remove']);
  });

  it('two admins demoting each other at the same moment leave one admin', async () => {
    for (let round = 0; round < 3; round++) {
      const { scope: a, userId: aId } = await createTestAccount(t.services, 'Race');
      const b = await newUser('B');
      await join(a, b, 'ADMIN');
      const asB = await scopeOf(b.id, a.account.slug);
      const outcomes = await Promise.all([codeOf(changeMemberRole(a, { userId: b.id, role: 'READER' })), codeOf(changeMemberRole(asB, { userId: aId, role: 'READER' }))]);
      expect(outcomes.sort()).toEqual(['CONFLICT', 'OK']);
      expect((await listMembers(a).catch(() => listMembers(asB))).filter((m) => m.role === 'ADMIN')).toHaveLength(1);
    }
  });
});

describe('invitation links', () => {
  async function invite(email: string, role: Role = 'READER') {
    const { scope: admin } = await createTestAccount(t.services, 'Link');
    const result = await addMember(admin, directory, { email, role });
    return { admin, token: result.token, invitation: result.invitation };
  }

  it('a new user signs up through the link and joins with the role, without an account of their own; the link then stops working', async () => {
    const email = `invitee-${++counter}@example.test`;
    const { admin, token } = await invite(email, 'WRITER');
    expect(await lookupInvitation(t.services.prisma, token)).toMatchObject({ email, role: 'WRITER', invitedByName: 'Link User', expired: false, account: { name: admin.account.name } });
    const joined = await signUpWithInvitation(t.services.prisma, { token, name: ' Ivy ', password: 'long enough pw' });
    expect(joined).toMatchObject({ user: { email, name: 'Ivy' }, account: { slug: admin.account.slug }, role: 'WRITER' });
    expect((await getMe(t.services.prisma, joined.user.id)).accounts).toEqual([{ slug: admin.account.slug, name: admin.account.name, role: 'WRITER' }]);
    expect(await listInvitations(admin)).toEqual([]);
    expect(await codeOf(signUpWithInvitation(t.services.prisma, { token, name: 'Again', password: 'long enough pw' }))).toBe('NOT_FOUND');
    expect(await codeOf(acceptInvitation(t.services.prisma, joined.user.id, token))).toBe('NOT_FOUND');
    const entry = await t.services.prisma.auditEntry.findFirstOrThrow({ where: { accountId: admin.account.id, action: 'invitation.accept' } });
    expect(entry).toMatchObject({ actorId: joined.user.id, data: { role: 'WRITER', newUser: true } });
  });

  it('a user who signed up meanwhile signs in and accepts; only the invited email may', async () => {
    const { admin, token } = await invite(`later-${++counter}@example.test`, 'READER');
    const email = (await lookupInvitation(t.services.prisma, token)).email;
    const stranger = await newUser('Stranger');
    const forbidden = await acceptInvitation(t.services.prisma, stranger.id, token).catch((e: Error & { code: string }) => e);
    expect(forbidden).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(`This invitation is for ${email}, and you are signed in as ${stranger.email}`) });
    // Signing up the usual way with the invited email is refused through the link afterwards...
    const { user } = await signUp(t.services.prisma, { email, password: 'long enough pw', name: 'Later', accountName: 'Later home' });
    expect(await codeOf(signUpWithInvitation(t.services.prisma, { token, name: 'Later', password: 'long enough pw' }))).toBe('CONFLICT');
    // ...but accepting while signed in works.
    expect(await acceptInvitation(t.services.prisma, user.id, token)).toEqual({ account: { slug: admin.account.slug, name: admin.account.name }, role: 'READER' });
    expect((await listMembers(admin)).find((m) => m.user.id === user.id)?.role).toBe('READER');
    expect((await listMembers(admin)).some((m) => m.user.id === stranger.id)).toBe(false);
  });

  it('concurrent uses of one link: exactly one joins', async () => {
    const email = `twice-${++counter}@example.test`;
    const { admin, token } = await invite(email);
    const { user } = await signUp(t.services.prisma, { email, password: 'long enough pw', name: 'Twice', accountName: 'Twice home' });
    const outcomes = await Promise.all([codeOf(acceptInvitation(t.services.prisma, user.id, token)), codeOf(acceptInvitation(t.services.prisma, user.id, token))]);
    expect(outcomes.sort()).toEqual(['NOT_FOUND', 'OK']);
    expect((await listMembers(admin)).filter((m) => m.user.id === user.id)).toHaveLength(1);
  });

  it('expires after 7 days: shown as expired, refused with what to do', async () => {
    const email = `expiring-${++counter}@example.test`;
    const { admin, token, invitation } = await invite(email);
    const later = new Date(invitation.expiresAt.getTime() + 1);
    expect(await lookupInvitation(t.services.prisma, token, later)).toMatchObject({ expired: true });
    expect((await listInvitations(at(admin, later)))[0]).toMatchObject({ email, expired: true });
    const error = await signUpWithInvitation(t.services.prisma, { token, name: 'Late', password: 'long enough pw' }, { now: later }).catch((e: Error & { code: string }) => e);
    expect(error).toMatchObject({ code: 'PRECONDITION_FAILED', message: expect.stringMatching(/^This invitation expired on \d{4}-\d{2}-\d{2}\. Ask an admin of .+ for a new link\.$/) });
    const { user } = await signUp(t.services.prisma, { email, password: 'long enough pw', name: 'Late', accountName: 'Late home' });
    expect(await codeOf(acceptInvitation(t.services.prisma, user.id, token, later))).toBe('PRECONDITION_FAILED');
    // Just before the end it still works.
    expect(await codeOf(acceptInvitation(t.services.prisma, user.id, token, new Date(invitation.expiresAt.getTime() - 1)))).toBe('OK');
  });

  it('revoked links stop working; garbage tokens are not found', async () => {
    const { admin, token, invitation } = await invite(`revoked-${++counter}@example.test`);
    expect(await revokeInvitation(admin, { id: invitation.id })).toEqual({ id: invitation.id });
    expect(await codeOf(lookupInvitation(t.services.prisma, token))).toBe('NOT_FOUND');
    expect(await codeOf(revokeInvitation(admin, { id: invitation.id }))).toBe('NOT_FOUND');
    for (const garbage of ['', 'x', 'x'.repeat(10_000), 'a\u0000b']) expect(await codeOf(lookupInvitation(t.services.prisma, garbage)), garbage.slice(0, 8)).toBe('NOT_FOUND');
    const entries = await t.services.prisma.auditEntry.findMany({ where: { accountId: admin.account.id }, orderBy: { id: 'asc' } });
    expect(entries.map((e) => e.action)).toEqual(['account.create', 'member.invite', 'invitation.revoke']);
  });

  it("an admin cannot revoke another account's invitation", async () => {
    const { invitation } = await invite(`theirs-${++counter}@example.test`);
    const { scope: other } = await createTestAccount(t.services, 'Other');
    expect(await codeOf(revokeInvitation(other, { id: invitation.id }))).toBe('NOT_FOUND');
    expect(await t.services.prisma.invitation.count({ where: { id: invitation.id } })).toBe(1);
  });

  it('sign-ups through links count against the per-address limit', async () => {
    const limiter = createMemoryRateLimiter();
    const rule = AUTH_RATE_RULES.signUpPerAddress;
    for (let i = 0; i < rule.max; i++) await limiter.consume(rule, '203.0.113.9');
    const { token } = await invite(`limited-${++counter}@example.test`);
    const input = { token, name: 'L', password: 'long enough pw' };
    expect(await codeOf(signUpWithInvitation(t.services.prisma, input, { limiter, clientIp: '203.0.113.9' }))).toBe('RATE_LIMITED');
    expect(await codeOf(signUpWithInvitation(t.services.prisma, input, { limiter, clientIp: '203.0.113.10' }))).toBe('OK');
  });
});
