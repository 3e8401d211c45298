import { RunsList } from '@/components/stacks/RunsList.tsx';
import { RUNS_PAGE_SIZE } from '@/lib/runs.ts';
import { Prefetched, requestQueryClient, serverTRPC } from '@/server/prefetch.tsx';

export default async function StackRunsPage({ params }: { params: Promise<{ account: string; stackId: string }> }) {
  const { account, stackId } = await params;
  const trpc = await serverTRPC(account);
  await requestQueryClient().prefetchInfiniteQuery(
    trpc.runs.list.infiniteQueryOptions({ stackId, limit: RUNS_PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  return (
    <Prefetched>
      <RunsList stackId={stackId} />
    </Prefetched>
  );
}
