import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StacksList } from '@/components/stacks/StacksList.tsx';
import { Prefetched, requestQueryClient, serverTRPC } from '@/server/prefetch.tsx';

export const metadata: Metadata = { title: 'Stacks' };

export default async function StacksPage({ params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  const trpc = await serverTRPC(account);
  await requestQueryClient().prefetchQuery(trpc.stacks.list.queryOptions({}));
  return (
    <Prefetched>
      <Suspense>
        <StacksList />
      </Suspense>
    </Prefetched>
  );
}
