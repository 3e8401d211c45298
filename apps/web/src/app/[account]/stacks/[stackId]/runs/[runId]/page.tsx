import type { Metadata } from 'next';
import { RunView } from '@/components/runs/RunView.tsx';
import { Prefetched, requestQueryClient, serverTRPC } from '@/server/prefetch.tsx';

export const metadata: Metadata = { title: 'Run' };

export default async function RunPage({ params }: { params: Promise<{ account: string; stackId: string; runId: string }> }) {
  const { account, stackId, runId } = await params;
  const trpc = await serverTRPC(account);
  await requestQueryClient().prefetchQuery(trpc.runs.get.queryOptions({ id: runId }));
  return (
    <Prefetched>
      <RunView stackId={stackId} runId={runId} />
    </Prefetched>
  );
}
