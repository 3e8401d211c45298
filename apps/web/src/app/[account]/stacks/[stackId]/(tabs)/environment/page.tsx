import type { Metadata } from 'next';
import { EnvironmentVariables } from '@/components/stacks/EnvironmentVariables.tsx';
import { Prefetched, requestQueryClient, serverTRPC } from '@/server/prefetch.tsx';

export const metadata: Metadata = { title: 'Environment' };

export default async function StackEnvironmentPage({ params }: { params: Promise<{ account: string; stackId: string }> }) {
  const { account, stackId } = await params;
  const trpc = await serverTRPC(account);
  await requestQueryClient().prefetchQuery(trpc.env.list.queryOptions({ stackId }));
  return (
    <Prefetched>
      <EnvironmentVariables stackId={stackId} />
    </Prefetched>
  );
}
