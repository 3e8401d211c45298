import { isUniqueViolation, type Prisma, type PrismaClient } from '@gantry/db';
import { DomainError } from '@gantry/domain';
import { z } from 'zod';
import { audit } from '../audit.ts';
import { assertAdmin } from '../authz.ts';
import type { AccountScope, Role } from '../context.ts';
import { hashPassword } from '../crypto/password.ts';
import { countSignUpAttempt, passwordInput, personNameInput, type AuthAttemptOptions, type PublicUser } from '../users/users.ts';
import { idInput, parseInput, textInput } from '../validation.ts';
import { INVITATION_TTL_MS, invitationTokenHash, newInvitationToken } from './tokens.ts';

/**
 * Invitations to join an account. There is no mail server: the admin gets the one-time link once
 * and shares it. The link works for 7 days, for the invited email only, once; revoking, inviting
 * the email again, or using it makes it stop working.
 *
 * Admins manage invitations through their account scope (tenant data). Opening a link is the
 * system path: the token alone names the account, so it is looked up across accounts by its hash.
 */

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  invitedBy: { id: string; name: string } | null;
  createdAt: Date;
  expiresAt: Date;
  /** The link no longer works; invite the email again for a new one. */
  expired: boolean;
}

/** What the invitee sees before joining. */
export interface InvitationPreview {
  account: { slug: string; name: string };
  email: string;
  role: Role;
  invitedByName: string | null;
  expiresAt: Date;
  expired: boolean;
  /** A Gantry user has the invited email: they sign in to accept (signing up again would fail). */
  emailHasUser: boolean;
}

/** Bounds the pending invitations of one account (each is a row anyone with the link can use). */
export const MAX_PENDING_INVITATIONS = 1000;

export const invitationTokenInput = textInput(128, 'This invitation link is not valid').min(1, 'This invitation link is not valid');
export const invitationTokenOnlyInput = z.object({ token: invitationTokenInput });
export const revokeInvitationInput = z.object({ id: idInput });
export const invitationSignUpInput = z.object({ token: invitationTokenInput, name: personNameInput, password: passwordInput });

const INVALID_LINK =
  'This invitation link is not valid: it was already used, revoked, or replaced by a newer one. Ask an admin of the account for a new link.';

const expiredError = (accountName: string, expiresAt: Date) =>
  new DomainError('PRECONDITION_FAILED', `This invitation expired on ${expiresAt.toISOString().slice(0, 10)}. Ask an admin of ${accountName} for a new link.`, {
    reason: 'expired',
  });

const existingUserError = (email: string) =>
  DomainError.conflict(`A Gantry user with the email ${email} already exists. Sign in with it, then open this link again to join.`);

interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  invitedById: string | null;
  invitedByName: string | null;
  createdAt: Date;
  expiresAt: Date;
}

function view(row: InvitationRow, now: Date): InvitationView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    invitedBy: row.invitedById ? { id: row.invitedById, name: row.invitedByName ?? 'Unknown user' } : null,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    expired: row.expiresAt.getTime() <= now.getTime(),
  };
}

/** The account's invitations that were neither used nor revoked (expired ones included), newest first. */
export async function listInvitations(scope: AccountScope): Promise<InvitationView[]> {
  const rows = await scope.db.invitation.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  const now = scope.services.now();
  return rows.map((row) => view(row, now));
}

/**
 * A new invitation for `email` (replacing a pending one: its link stops working). Admin only; the
 * caller checked that the email is not a member yet. Returns the token, which is not stored.
 */
export async function createInvitation(scope: AccountScope, input: { email: string; role: Role }): Promise<{ invitation: InvitationView; token: string }> {
  assertAdmin(scope);
  const token = newInvitationToken();
  const now = scope.services.now();
  const row = await scope.db.transaction(async (tx) => {
    const replaced = await tx.invitation.deleteMany({ where: { email: input.email } });
    if (replaced.count === 0 && (await tx.invitation.count()) >= MAX_PENDING_INVITATIONS)
      throw DomainError.conflict(`${scope.account.name} has ${MAX_PENDING_INVITATIONS} pending invitations; revoke some before inviting more`, 'email');
    const created = await tx.invitation.create({
      data: {
        accountId: tx.accountId,
        email: input.email,
        role: input.role,
        tokenHash: invitationTokenHash(token),
        invitedById: scope.actor.kind === 'USER' ? scope.actor.id : null,
        invitedByName: scope.actor.name ?? null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      },
    });
    await audit(tx, scope.actor, 'member.invite', { type: 'Invitation', id: created.id }, { email: input.email, role: input.role, replaced: replaced.count > 0 });
    return created;
  });
  return { invitation: view(row, now), token };
}

/** Revokes a pending invitation: its link stops working. Admin only. */
export async function revokeInvitation(scope: AccountScope, rawInput: z.input<typeof revokeInvitationInput>): Promise<{ id: string }> {
  assertAdmin(scope);
  const { id } = parseInput(revokeInvitationInput, rawInput);
  return scope.db.transaction(async (tx) => {
    const invitation = await tx.invitation.findUnique({ where: { id }, select: { id: true, email: true } });
    if (!invitation) throw DomainError.notFound('Invitation', id);
    await tx.invitation.delete({ where: { id } });
    await audit(tx, scope.actor, 'invitation.revoke', { type: 'Invitation', id }, { email: invitation.email });
    return { id };
  });
}

async function findByToken(prisma: PrismaClient | Prisma.TransactionClient, token: string) {
  const parsed = invitationTokenOnlyInput.safeParse({ token });
  if (!parsed.success) throw new DomainError('NOT_FOUND', INVALID_LINK);
  const invitation = await prisma.invitation.findUnique({ where: { tokenHash: invitationTokenHash(parsed.data.token) }, include: { account: true } });
  if (!invitation) throw new DomainError('NOT_FOUND', INVALID_LINK);
  return invitation;
}

/** What an invitation link offers (account, email, role), for the page the invitee opens. */
export async function lookupInvitation(prisma: PrismaClient, token: string, now: Date = new Date()): Promise<InvitationPreview> {
  const invitation = await findByToken(prisma, token);
  const emailHasUser = (await prisma.user.count({ where: { email: invitation.email } })) > 0;
  return {
    account: { slug: invitation.account.slug, name: invitation.account.name },
    email: invitation.email,
    role: invitation.role,
    invitedByName: invitation.invitedByName,
    expiresAt: invitation.expiresAt,
    expired: invitation.expiresAt.getTime() <= now.getTime(),
    emailHasUser,
  };
}

export interface JoinedAccount {
  account: { slug: string; name: string };
  role: Role;
}

/**
 * The signed-in user joins the invitation's account with its role, and the link stops working.
 * Only the invited email may use it. Already a member (added meanwhile): the role stays as it is.
 */
export async function acceptInvitation(prisma: PrismaClient, userId: string, token: string, now: Date = new Date()): Promise<JoinedAccount> {
  return prisma.$transaction(async (tx) => {
    const invitation = await findByToken(tx, token);
    if (invitation.expiresAt.getTime() <= now.getTime()) throw expiredError(invitation.account.name, invitation.expiresAt);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
    if (!user) throw DomainError.unauthenticated('Your session refers to a user that no longer exists; sign in again');
    if (user.email !== invitation.email)
      throw DomainError.forbidden(
        `This invitation is for ${invitation.email}, and you are signed in as ${user.email}. Sign out, then open the link again and sign in or sign up as ${invitation.email}.`,
      );
    // One use: of two concurrent accepts, only one deletes the row.
    const { count } = await tx.invitation.deleteMany({ where: { id: invitation.id } });
    if (count !== 1) throw new DomainError('NOT_FOUND', INVALID_LINK);
    const existing = await tx.membership.findUnique({ where: { accountId_userId: { accountId: invitation.accountId, userId } } });
    const role = existing?.role ?? invitation.role;
    if (!existing) await tx.membership.create({ data: { accountId: invitation.accountId, userId, role } });
    await tx.auditEntry.create({
      data: {
        accountId: invitation.accountId,
        actorKind: 'USER',
        actorId: userId,
        action: 'invitation.accept',
        targetType: 'Invitation',
        targetId: invitation.id,
        data: { role, alreadyMember: Boolean(existing) },
      },
    });
    return { account: { slug: invitation.account.slug, name: invitation.account.name }, role };
  });
}

/**
 * A new user with the invited email (name and password chosen now) who joins the invitation's
 * account; no account of their own is created. Counted like any sign-up per client address.
 */
export async function signUpWithInvitation(
  prisma: PrismaClient,
  rawInput: z.input<typeof invitationSignUpInput>,
  options: AuthAttemptOptions & { now?: Date } = {},
): Promise<{ user: PublicUser } & JoinedAccount> {
  const input = parseInput(invitationSignUpInput, rawInput);
  const now = options.now ?? new Date();
  // Checked before the limiter and the slow hash: a wrong link costs nothing and says so at once.
  const preview = await lookupInvitation(prisma, input.token, now);
  if (preview.expired) throw expiredError(preview.account.name, preview.expiresAt);
  if (preview.emailHasUser) throw existingUserError(preview.email);
  await countSignUpAttempt(options);
  const passwordHash = await hashPassword(input.password);
  try {
    return await prisma.$transaction(async (tx) => {
      const invitation = await findByToken(tx, input.token);
      const { count } = await tx.invitation.deleteMany({ where: { id: invitation.id } });
      if (count !== 1) throw new DomainError('NOT_FOUND', INVALID_LINK);
      const user = await tx.user.create({ data: { email: invitation.email, name: input.name, passwordHash } });
      await tx.membership.create({ data: { accountId: invitation.accountId, userId: user.id, role: invitation.role } });
      await tx.auditEntry.create({
        data: {
          accountId: invitation.accountId,
          actorKind: 'USER',
          actorId: user.id,
          action: 'invitation.accept',
          targetType: 'Invitation',
          targetId: invitation.id,
          data: { role: invitation.role, newUser: true },
        },
      });
      return {
        user: { id: user.id, email: user.email, name: user.name },
        account: { slug: invitation.account.slug, name: invitation.account.name },
        role: invitation.role,
      };
    });
  } catch (error) {
    if (isUniqueViolation(error, ['email'])) throw existingUserError(preview.email);
    throw error;
  }
}
