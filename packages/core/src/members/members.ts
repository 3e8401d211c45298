import type { TenantTx } from '@gantry/db';
import { DomainError } from '@gantry/domain';
import { z } from 'zod';
import { audit } from '../audit.ts';
import { assertAdmin } from '../authz.ts';
import type { AccountScope, Role } from '../context.ts';
import { emailInput, type PublicUser } from '../users/users.ts';
import { idInput, parseInput } from '../validation.ts';
import type { UserDirectory } from './directory.ts';
import { createInvitation, type InvitationView } from './invitations.ts';

/**
 * An account's members: who they are, their role, and the admin's changes to both. Every change
 * is admin-only and audited. The account always keeps at least one admin: demoting or removing the
 * last one is refused, also when two admins change each other at the same moment (the admin rows
 * are locked while the change is checked).
 */

export const ROLES = ['ADMIN', 'WRITER', 'READER'] as const satisfies readonly Role[];
export const roleInput = z.enum(ROLES, { error: 'Choose a role: ADMIN, WRITER or READER' });

export interface MemberView {
  user: PublicUser;
  role: Role;
  /** When they joined the account. */
  createdAt: Date;
}

export const addMemberInput = z.object({ email: emailInput, role: roleInput });
export const changeMemberRoleInput = z.object({ userId: idInput, role: roleInput });
export const removeMemberInput = z.object({ userId: idInput });

/**
 * What adding an email made: a pending invitation with its one-time token, returned only here,
 * once. The same whether or not the email has a Gantry user, so an admin learns nothing about
 * other accounts' users from it.
 */
export interface AddMemberResult {
  invitation: InvitationView;
  token: string;
}

const memberInclude = { user: { select: { id: true, email: true, name: true } } } as const;

/** The account's members and their roles, oldest first. Every role may read it. */
export async function listMembers(scope: AccountScope): Promise<MemberView[]> {
  const members = await scope.db.membership.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], include: memberInclude });
  return members.map((m) => ({ user: m.user, role: m.role, createdAt: m.createdAt }));
}

const roleName = (role: Role) => role.toLowerCase();

/**
 * Invites the email to the account with the role. Nobody joins without consent: a Gantry user with
 * this email accepts the invitation after signing in, anyone else signs up through it (inviting an
 * email again replaces its pending invitation and link). A member already is refused.
 */
export async function addMember(scope: AccountScope, directory: UserDirectory, rawInput: z.input<typeof addMemberInput>): Promise<AddMemberResult> {
  assertAdmin(scope);
  const input = parseInput(addMemberInput, rawInput);
  const user = await directory.findByEmail(input.email);
  if (user) {
    const existing = await scope.db.membership.findFirst({ where: { userId: user.id }, select: { role: true } });
    if (existing)
      throw DomainError.conflict(`${user.name} (${user.email}) is already a member of ${scope.account.name}, as ${roleName(existing.role)}. Change their role in the list.`, 'email');
  }
  return createInvitation(scope, input);
}

/**
 * Locks the account's admin memberships until the transaction ends and counts them. Concurrent
 * demotions and removals wait here, then count again what the first one left.
 */
async function lockAdmins(tx: TenantTx): Promise<number> {
  const { count } = await tx.membership.updateMany({ where: { role: 'ADMIN' }, data: { role: 'ADMIN' } });
  return count;
}

function lastAdminError(scope: AccountScope, member: PublicUser, doing: string): DomainError {
  const who = scope.actor.kind === 'USER' && scope.actor.id === member.id ? 'You are' : `${member.name} is`;
  return DomainError.conflict(
    `${who} the only admin of ${scope.account.name}, so cannot be ${doing}. Make another member an admin first.`,
  );
}

async function findMember(tx: TenantTx, userId: string) {
  const membership = await tx.membership.findFirst({ where: { userId }, include: memberInclude });
  if (!membership) throw DomainError.notFound('Member', userId);
  return membership;
}

/** Gives a member another role. The last admin cannot be demoted. */
export async function changeMemberRole(scope: AccountScope, rawInput: z.input<typeof changeMemberRoleInput>): Promise<MemberView> {
  assertAdmin(scope);
  const input = parseInput(changeMemberRoleInput, rawInput);
  return scope.db.transaction(async (tx) => {
    const admins = await lockAdmins(tx);
    const membership = await findMember(tx, input.userId);
    if (membership.role === input.role) return { user: membership.user, role: membership.role, createdAt: membership.createdAt };
    if (membership.role === 'ADMIN' && admins <= 1) throw lastAdminError(scope, membership.user, `made ${roleName(input.role)}`);
    const updated = await tx.membership.update({ where: { id: membership.id }, data: { role: input.role }, include: memberInclude });
    await audit(tx, scope.actor, 'member.role', { type: 'User', id: input.userId }, { from: membership.role, to: input.role });
    return { user: updated.user, role: updated.role, createdAt: updated.createdAt };
  });
}

/** Removes a member from the account (their user stays). The last admin cannot be removed. */
export async function removeMember(scope: AccountScope, rawInput: z.input<typeof removeMemberInput>): Promise<{ userId: string }> {
  assertAdmin(scope);
  const input = parseInput(removeMemberInput, rawInput);
  return scope.db.transaction(async (tx) => {
    const admins = await lockAdmins(tx);
    const membership = await findMember(tx, input.userId);
    if (membership.role === 'ADMIN' && admins <= 1) throw lastAdminError(scope, membership.user, 'removed');
    await tx.membership.delete({ where: { id: membership.id } });
    await audit(tx, scope.actor, 'member.remove', { type: 'User', id: input.userId }, { role: membership.role });
    return { userId: input.userId };
  });
}
