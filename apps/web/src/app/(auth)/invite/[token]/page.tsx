import { TRPCError } from '@trpc/server';
import { Alert, Button, buttonClasses, formatExactTime } from '@gantry/ui';
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { sessionUserId } from '@/auth.ts';
import type { InvitationPreview } from '@/lib/api-types.ts';
import { roleLabel } from '@/lib/members.ts';
import { serverCaller } from '@/server/caller.ts';
import { signOutAndReturnAction } from '../../actions.ts';
import { AcceptInvitation } from './AcceptInvitation.tsx';
import { InvitationSignUpForm } from './InvitationSignUpForm.tsx';

// The link holds a one-time token: never send it to another site in a Referer, never index it.
export const metadata: Metadata = { title: 'Invitation', referrer: 'no-referrer', robots: { index: false, follow: false } };

/**
 * An invitation link. Signed out: sign in and come back when the invited email has a Gantry user,
 * else create one with it (or sign in). Signed in as the invited email: join. Signed in as someone
 * else: say so and offer to sign out.
 */
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const caller = await serverCaller(null);
  let invitation: InvitationPreview;
  try {
    invitation = await caller.invitations.lookup({ token });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) return <Unusable title="This invitation link does not work">{error.message}</Unusable>;
    throw error;
  }
  const role = roleLabel(invitation.role).toLowerCase();
  const intro = (
    <>
      <h1 className="text-base font-semibold">Join {invitation.account.name} on Gantry</h1>
      <p className="mt-1 text-sm text-muted">
        {invitation.invitedByName ?? 'An admin'} invited <span className="font-medium text-fg">{invitation.email}</span> to join as {role}.
      </p>
    </>
  );
  if (invitation.expired)
    return (
      <Unusable title="This invitation has expired">
        It stopped working on {formatExactTime(invitation.expiresAt)}. Ask {invitation.invitedByName ?? 'an admin'} of {invitation.account.name} for a new link.
      </Unusable>
    );

  const me = (await sessionUserId()) ? await caller.me.get().catch(() => null) : null;
  if (!me) {
    const here = `/invite/${encodeURIComponent(token)}`;
    const signInHref = `/sign-in?${new URLSearchParams({ callbackUrl: here })}`;
    if (invitation.emailHasUser)
      return (
        <>
          {intro}
          <p className="mt-4 text-sm text-muted">{invitation.email} already uses Gantry: sign in with it, then join here.</p>
          <Link href={signInHref} className={buttonClasses('primary', 'md', 'mt-4 w-full')}>
            Sign in to join
          </Link>
        </>
      );
    return (
      <>
        {intro}
        <InvitationSignUpForm token={token} email={invitation.email} />
        <p className="mt-5 text-center text-sm text-muted">
          Already use Gantry as {invitation.email}?{' '}
          <Link href={signInHref} className="font-medium text-accent hover:underline">
            Sign in to join
          </Link>
        </p>
      </>
    );
  }
  const membership = me.accounts.find((a) => a.slug === invitation.account.slug);
  if (membership)
    return (
      <>
        {intro}
        <Alert tone="info" className="mt-4">
          You already are a member of {invitation.account.name}, as {membership.role.toLowerCase()}.
        </Alert>
        <Link href={`/${invitation.account.slug}/stacks`} className="mt-4 block text-center text-sm font-medium text-accent hover:underline">
          Open {invitation.account.name}
        </Link>
      </>
    );
  if (me.user.email !== invitation.email)
    return (
      <>
        {intro}
        <Alert tone="warning" className="mt-4" title="This invitation is for someone else">
          You are signed in as {me.user.email}. Sign out, then sign in or sign up as {invitation.email} to join.
        </Alert>
        <form action={signOutAndReturnAction} className="mt-4">
          <input type="hidden" name="redirectTo" value={`/invite/${encodeURIComponent(token)}`} />
          <Button type="submit" className="w-full">
            Sign out and continue
          </Button>
        </form>
      </>
    );
  return (
    <>
      {intro}
      <AcceptInvitation token={token} accountName={invitation.account.name} role={role} />
    </>
  );
}

function Unusable({ title, children }: { title: string; children: ReactNode }) {
  return (
    <>
      <h1 className="text-base font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-muted">{children}</p>
      <Link href="/" className="mt-5 block text-center text-sm font-medium text-accent hover:underline">
        Go to Gantry
      </Link>
    </>
  );
}
