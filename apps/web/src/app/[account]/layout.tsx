import { TRPCError } from '@trpc/server';
import { notFound, redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { sessionUserId } from '@/auth.ts';
import { AppShell } from '@/components/shell/AppShell.tsx';
import { AccountProvider } from '@/lib/account.tsx';
import { AccountDataProvider } from '@/lib/trpc.tsx';
import { serverCaller } from '@/server/caller.ts';

export default async function AccountLayout({ children, params }: { children: ReactNode; params: Promise<{ account: string }> }) {
  const { account: slug } = await params;
  if (!(await sessionUserId())) redirect('/sign-in');
  let me;
  try {
    me = await (await serverCaller(null)).me.get();
  } catch (error) {
    // The session names a user that no longer exists.
    if (error instanceof TRPCError && error.code === 'UNAUTHORIZED') redirect('/sign-in');
    throw error;
  }
  const account = me.accounts.find((a) => a.slug === slug);
  // Not a member: answer as if the account did not exist.
  if (!account) notFound();
  return (
    <AccountProvider account={account} viewer={me.user}>
      <AccountDataProvider key={slug} accountSlug={slug}>
        <AppShell user={me.user} accounts={me.accounts} current={account}>
          {children}
        </AppShell>
      </AccountDataProvider>
    </AccountProvider>
  );
}
