import type { ReactNode } from 'react';
import { StackHeader } from '@/components/stacks/StackHeader.tsx';
import { Prefetched, requestQueryClient, serverTRPC } from '@/server/prefetch.tsx';

export default async function StackLayout({ children, params }: { children: ReactNode; params: Promise<{ account: string; stackId: string }> }) {
  const { account, stackId } = await params;
  const trpc = await serverTRPC(account);
  await requestQueryClient().prefetchQuery(trpc.stacks.get.queryOptions({ id: stackId }));
  return (
    <Prefetched>
      <StackHeader stackId={stackId} />
      <div className="px-6 py-4">{children}</div>
    </Prefetched>
  );
}
