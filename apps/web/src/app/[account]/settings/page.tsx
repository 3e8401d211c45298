import type { Metadata } from 'next';
import { AccountSettings } from '@/components/settings/AccountSettings.tsx';
import { Prefetched, requestQueryClient, serverTRPC } from '@/server/prefetch.tsx';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage({ params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  const trpc = await serverTRPC(account);
  await Promise.all([
    requestQueryClient().prefetchQuery(trpc.members.list.queryOptions()),
    requestQueryClient().prefetchQuery(trpc.invitations.list.queryOptions()),
  ]);
  return (
    <Prefetched>
      <AccountSettings />
    </Prefetched>
  );
}
