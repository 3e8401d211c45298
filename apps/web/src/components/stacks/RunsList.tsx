'use client';

import { Alert, Badge, Button, commitTitle, EmptyState, formatDuration, IconPlay, isTerminalState, RelativeTime, shortSha, StateBadge } from '@gantry/ui';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { canWrite, useAccount } from '@/lib/account.tsx';
import { useAccountStreamConnected } from '@/lib/account-events.tsx';
import { errorMessage } from '@/lib/errors.ts';
import { listRefreshInterval } from '@/lib/live.ts';
import { paths } from '@/lib/paths.ts';
import { isNoChangesRun } from '@/lib/run-outcome.ts';
import { RUNS_PAGE_SIZE, shortRunId, triggeredByLabel, triggerReasonLabel } from '@/lib/runs.ts';
import { useTRPC } from '@/lib/trpc.tsx';
import { Elapsed } from '../Elapsed.tsx';
import { TriggerButton } from './TriggerButton.tsx';

export function RunsList({ stackId }: { stackId: string }) {
  const trpc = useTRPC();
  const account = useAccount();
  const streaming = useAccountStreamConnected();
  const runs = useInfiniteQuery({
    ...trpc.runs.list.infiniteQueryOptions({ stackId, limit: RUNS_PAGE_SIZE }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
    refetchInterval: (q) => listRefreshInterval((q.state.data?.pages[0]?.items ?? []).map((r) => r.state), streaming),
  });
  const stack = useQuery(trpc.stacks.get.queryOptions({ id: stackId }));
  const items = runs.data?.pages.flatMap((p) => p.items) ?? [];

  if (runs.isError) {
    return (
      <Alert title="Could not load runs" action={<Button size="sm" onClick={() => runs.refetch()}>Try again</Button>}>
        {errorMessage(runs.error)}
      </Alert>
    );
  }

  if (runs.data && items.length === 0) {
    const s = stack.data;
    return (
      <EmptyState
        icon={<IconPlay size={20} />}
        title="No runs yet"
        action={canWrite(account.role) ? <TriggerButton stackId={stackId} /> : null}
      >
        <p>
          Press <span className="font-semibold text-fg">Trigger</span> to start the first run. Gantry checks out{' '}
          {s ? (
            <code className="font-mono text-fg">
              {s.branch}
              {s.projectRoot ? `:/${s.projectRoot.replace(/^\/+/, '')}` : ''}
            </code>
          ) : (
            'the branch'
          )}
          , runs <code className="font-mono">init</code> and <code className="font-mono">plan</code> and streams the log here.
          {s?.autodeploy ? ' Autodeploy is on: the plan is applied right away.' : ' Then it waits for you to confirm the plan before applying it.'}
        </p>
      </EmptyState>
    );
  }

  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-surface">
      <table className="w-full text-sm">
        <caption className="sr-only">Runs, newest first</caption>
        <thead>
          <tr className="border-b border-line bg-subtle/60 text-left text-xs text-muted">
            <th scope="col" className="px-3 py-2 font-medium">State</th>
            <th scope="col" className="px-3 py-2 font-medium">Commit</th>
            <th scope="col" className="px-3 py-2 font-medium max-md:hidden">Triggered by</th>
            <th scope="col" className="px-3 py-2 font-medium">Created</th>
            <th scope="col" className="px-3 py-2 text-right font-medium max-sm:hidden">Duration</th>
          </tr>
        </thead>
        <tbody>
          {!runs.data ? (
            <tr>
              <td colSpan={5} className="px-3 py-6 text-center text-sm text-muted">
                Loading runs…
              </td>
            </tr>
          ) : null}
          {items.map((run) => {
            const href = paths.run(account.slug, stackId, run.id);
            const noChanges = isNoChangesRun(run);
            return (
              <tr key={run.id} className="border-b border-line last:border-0 hover:bg-subtle/60">
                <td className="px-3 py-2">
                  {/* Named by what it shows (voice control users say what they see), then which run it is. */}
                  <Link href={href} className="inline-flex items-center gap-1.5">
                    <StateBadge state={run.state} />
                    {noChanges ? (
                      <Badge tone="muted" title="The plan changed nothing, so nothing was applied">
                        No changes
                      </Badge>
                    ) : null}
                    <span className="sr-only"> (run {shortRunId(run.id)})</span>
                  </Link>
                </td>
                <td className="max-w-[42vw] px-3 py-2 sm:max-w-96">
                  <Link href={href} className="group flex min-w-0 items-baseline gap-2">
                    <span className="font-mono text-xs text-muted group-hover:text-accent" title={run.commitSha ?? undefined}>
                      {shortSha(run.commitSha)}
                    </span>
                    <span className="min-w-0 truncate text-fg group-hover:text-accent group-hover:underline">{commitTitle(run.commitMessage) || `Run ${shortRunId(run.id)}`}</span>
                  </Link>
                </td>
                <td className="px-3 py-2 text-xs whitespace-nowrap max-md:hidden">
                  <span className="text-fg">{triggeredByLabel(run)}</span>
                  {run.triggeredBy ? <span className="text-muted"> · {triggerReasonLabel(run.triggerReason).toLowerCase()}</span> : null}
                </td>
                <td className="px-3 py-2 text-xs whitespace-nowrap text-muted">
                  <RelativeTime value={run.createdAt} />
                </td>
                <td className="px-3 py-2 text-right text-xs whitespace-nowrap text-muted tabular-nums max-sm:hidden">
                  {run.durationMs !== null ? formatDuration(run.durationMs) : !isTerminalState(run.state) ? <Elapsed since={run.createdAt} /> : '—'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {runs.hasNextPage ? (
        <div className="border-t border-line p-2 text-center">
          <Button size="sm" variant="ghost" loading={runs.isFetchingNextPage} onClick={() => runs.fetchNextPage()}>
            Load older runs
          </Button>
        </div>
      ) : null}
    </div>
  );
}
