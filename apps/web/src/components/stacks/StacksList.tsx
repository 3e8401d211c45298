'use client';

import {
  Alert,
  Badge,
  Button,
  buttonClasses,
  cx,
  EmptyState,
  IconChevronDown,
  IconChevronUp,
  IconLayers,
  IconLock,
  IconPlus,
  IconSearch,
  LabelChip,
  RelativeTime,
  shortSha,
  StateBadge,
} from '@gantry/ui';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { canWrite, useAccount } from '@/lib/account.tsx';
import { useAccountStreamConnected } from '@/lib/account-events.tsx';
import type { StackListItem } from '@/lib/api-types.ts';
import { errorMessage } from '@/lib/errors.ts';
import { listRefreshInterval } from '@/lib/live.ts';
import { paths } from '@/lib/paths.ts';
import { allLabels, filterStacks, sortStacks, type SortDirection, type StackSortKey } from '@/lib/stacks.ts';
import { useTRPC } from '@/lib/trpc.tsx';
import { PageHeader } from '../PageHeader.tsx';

const SORT_KEYS: StackSortKey[] = ['name', 'state', 'lastRun', 'branch'];

/**
 * Filters and sort are component state, mirrored into the URL (?q=, ?label=, ?sort=, ?dir=) with
 * history.replaceState so a view can be shared and survives a reload. State, not the URL, is the
 * source of truth: router navigations are asynchronous and would drop fast keystrokes.
 */
function useListParams() {
  const initial = useSearchParams();
  const [state, setState] = useState(() => {
    const sortParam = initial.get('sort') as StackSortKey | null;
    return {
      query: initial.get('q') ?? '',
      labels: initial.getAll('label'),
      sort: sortParam && SORT_KEYS.includes(sortParam) ? sortParam : ('name' as StackSortKey),
      dir: (initial.get('dir') === 'desc' ? 'desc' : 'asc') as SortDirection,
    };
  });
  useEffect(() => {
    const params = new URLSearchParams();
    if (state.query) params.set('q', state.query);
    state.labels.forEach((l) => params.append('label', l));
    if (state.sort !== 'name') params.set('sort', state.sort);
    if (state.dir === 'desc') params.set('dir', 'desc');
    const search = params.toString();
    const url = search ? `${window.location.pathname}?${search}` : window.location.pathname;
    if (url !== window.location.pathname + window.location.search) window.history.replaceState(window.history.state, '', url);
  }, [state]);
  const update = (changes: Partial<typeof state>) => setState((prev) => ({ ...prev, ...changes }));
  return { ...state, update };
}

export function StacksList() {
  const trpc = useTRPC();
  const account = useAccount();
  const searchId = useId();
  const { query, labels, sort, dir, update } = useListParams();
  const streaming = useAccountStreamConnected();
  const stacks = useQuery({
    ...trpc.stacks.list.queryOptions({}),
    refetchInterval: (q) => listRefreshInterval((q.state.data ?? []).map((s) => s.lastRun?.state), streaming),
  });

  const data = stacks.data;
  const labelOptions = useMemo(() => allLabels(data ?? []), [data]);
  const rows = useMemo(() => sortStacks(filterStacks(data ?? [], query, labels), sort, dir), [data, query, labels, sort, dir]);
  const toggleLabel = (label: string) => update({ labels: labels.includes(label) ? labels.filter((l) => l !== label) : [...labels, label] });
  const writer = canWrite(account.role);

  const newStack = writer ? (
    <Link href={paths.newStack(account.slug)} className={buttonClasses('primary')}>
      <IconPlus size={15} />
      New stack
    </Link>
  ) : null;

  return (
    <>
      <PageHeader title="Stacks" description={data ? `${data.length} ${data.length === 1 ? 'stack' : 'stacks'}` : ' '} actions={newStack} />
      <div className="space-y-3 px-6 py-4">
        {stacks.isError ? (
          <Alert title="Could not load stacks" action={<Button size="sm" onClick={() => stacks.refetch()}>Try again</Button>}>
            {errorMessage(stacks.error)}
          </Alert>
        ) : null}
        {data && data.length === 0 ? (
          <FirstStackEmptyState action={newStack} />
        ) : (
          <>
            <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
              <div className="flex w-full items-center gap-2 sm:w-auto">
                <label htmlFor={searchId} className="flex items-center gap-1.5 text-sm font-medium whitespace-nowrap text-muted">
                  <IconSearch size={14} />
                  Search stacks
                </label>
                <input
                  id={searchId}
                  type="search"
                  value={query}
                  onChange={(e) => update({ query: e.target.value })}
                  placeholder="name, label, branch…"
                  className="h-7 min-w-0 flex-1 rounded-md border border-line bg-surface px-2 text-sm focus:border-accent focus:outline-2 focus:-outline-offset-1 focus:outline-accent/40 sm:w-60 sm:flex-none"
                />
              </div>
              {labelOptions.length > 0 ? (
                <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Filter by label">
                  <span className="text-sm font-medium text-muted" aria-hidden="true">
                    Labels
                  </span>
                  {labelOptions.map((label) => (
                    <LabelChip key={label} onClick={() => toggleLabel(label)} pressed={labels.includes(label)}>
                      {label}
                    </LabelChip>
                  ))}
                </div>
              ) : null}
              {query || labels.length ? (
                <button type="button" className="text-xs font-medium text-accent hover:underline" onClick={() => update({ query: '', labels: [] })}>
                  Clear filters
                </button>
              ) : null}
            </div>
            <div className="overflow-x-auto rounded-lg border border-line bg-surface">
              <table className="w-full text-sm">
                <caption className="sr-only">Stacks, sorted by {sort}</caption>
                <thead>
                  <tr className="border-b border-line bg-subtle/60 text-left text-xs text-muted">
                    <SortHeader label="Name" column="name" sort={sort} dir={dir} update={update} />
                    <th scope="col" className="px-3 py-2 font-medium max-sm:hidden">Labels</th>
                    <SortHeader label="State" column="state" sort={sort} dir={dir} update={update} />
                    <SortHeader label="Last run" column="lastRun" sort={sort} dir={dir} update={update} />
                    <SortHeader label="Branch" column="branch" sort={sort} dir={dir} update={update} className="max-md:hidden" />
                    <th scope="col" className="px-3 py-2 font-medium max-md:hidden">Commit</th>
                  </tr>
                </thead>
                <tbody>
                  {!data && !stacks.isError ? <SkeletonRows /> : null}
                  {rows.map((stack) => (
                    <StackTableRow key={stack.id} stack={stack} accountSlug={account.slug} selectedLabels={labels} onLabel={toggleLabel} />
                  ))}
                  {data && rows.length === 0 ? (
                    <tr>
                      <td colSpan={6} className="px-3 py-8 text-center text-sm text-muted">
                        No stacks match these filters.{' '}
                        <button type="button" className="font-medium text-accent hover:underline" onClick={() => update({ query: '', labels: [] })}>
                          Clear filters
                        </button>
                      </td>
                    </tr>
                  ) : null}
                </tbody>
              </table>
            </div>
          </>
        )}
      </div>
    </>
  );
}

function SortHeader({
  label,
  column,
  sort,
  dir,
  update,
  className,
}: {
  label: string;
  className?: string;
  column: StackSortKey;
  sort: StackSortKey;
  dir: SortDirection;
  update: (changes: { sort: StackSortKey; dir: SortDirection }) => void;
}) {
  const active = sort === column;
  const nextDir: SortDirection = active && dir === 'asc' ? 'desc' : active ? 'asc' : column === 'lastRun' ? 'desc' : 'asc';
  return (
    <th scope="col" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={cx('px-3 py-2 font-medium', className)}>
      <button
        type="button"
        onClick={() => update({ sort: column, dir: nextDir })}
        className={cx('inline-flex items-center gap-1 hover:text-fg', active && 'text-fg')}
      >
        {label}
        <span className={cx('inline-flex', !active && 'opacity-0')} aria-hidden="true">
          {dir === 'asc' || !active ? <IconChevronUp size={12} /> : <IconChevronDown size={12} />}
        </span>
      </button>
    </th>
  );
}

function StackTableRow({ stack, accountSlug, selectedLabels, onLabel }: { stack: StackListItem; accountSlug: string; selectedLabels: string[]; onLabel: (label: string) => void }) {
  const href = paths.stack(accountSlug, stack.id);
  return (
    <tr className="border-b border-line last:border-0 hover:bg-subtle/60">
      <td className="max-w-80 min-w-36 px-3 py-2 break-words">
        <Link href={href} className="font-medium text-fg hover:text-accent hover:underline">
          {stack.name}
        </Link>
        {stack.description ? <p className="truncate text-xs text-muted">{stack.description}</p> : null}
      </td>
      <td className="px-3 py-2 max-sm:hidden">
        <div className="flex max-w-64 flex-wrap gap-1">
          {stack.labels.map((label) => (
            <LabelChip key={label} onClick={() => onLabel(label)} pressed={selectedLabels.includes(label)}>
              {label}
            </LabelChip>
          ))}
        </div>
      </td>
      <td className="px-3 py-2">
        <div className="flex items-center gap-1.5">
          {stack.lastRun ? (
            <Link href={paths.run(accountSlug, stack.id, stack.lastRun.id)} className="inline-flex" title="Open the last run">
              <StateBadge state={stack.lastRun.state} />
            </Link>
          ) : (
            <span className="text-xs text-muted">never run</span>
          )}
          {stack.lockedReason ? (
            <Badge tone="warning" title={`Locked: ${stack.lockedReason}`}>
              <IconLock size={11} />
              locked
            </Badge>
          ) : null}
        </div>
      </td>
      <td className="px-3 py-2 text-xs whitespace-nowrap text-muted">{stack.lastRun ? <RelativeTime value={stack.lastRun.createdAt} /> : '—'}</td>
      <td className="max-w-48 truncate px-3 py-2 font-mono text-xs whitespace-nowrap max-md:hidden" title={stack.branch}>
        {stack.branch}
      </td>
      <td className="px-3 py-2 font-mono text-xs whitespace-nowrap text-muted max-md:hidden">
        {stack.lastRun?.commitSha ? <span title={stack.lastRun.commitSha}>{shortSha(stack.lastRun.commitSha)}</span> : '—'}
      </td>
    </tr>
  );
}

function SkeletonRows() {
  return (
    <>
      {[0, 1, 2].map((i) => (
        <tr key={i} className="border-b border-line last:border-0" aria-hidden="true">
          {[40, 24, 16, 14, 12, 12].map((w, j) => (
            <td key={j} className="px-3 py-2.5">
              <div className="h-3 animate-pulse rounded bg-subtle" style={{ width: `${w * 4}px` }} />
            </td>
          ))}
        </tr>
      ))}
      <tr className="sr-only">
        <td>Loading stacks…</td>
      </tr>
    </>
  );
}

function FirstStackEmptyState({ action }: { action: ReactNode }) {
  return (
    <EmptyState icon={<IconLayers size={20} />} title="Create your first stack" action={action ?? <p className="text-sm">Ask an admin or writer of this account to create one.</p>}>
      <p>
        A stack is one OpenTofu or Terraform project: a Git repository, a branch and the folder with your configuration. Gantry keeps its state
        and runs it for you.
      </p>
      <ol className="mx-auto mt-3 w-fit space-y-1 text-left text-xs">
        <li>
          <span className="font-semibold text-fg">1.</span> Point it at a repository and branch.
        </li>
        <li>
          <span className="font-semibold text-fg">2.</span> Press <span className="font-semibold text-fg">Trigger</span>: Gantry checks out the
          branch and runs <code className="font-mono">init</code> and <code className="font-mono">plan</code>, streaming the log.
        </li>
        <li>
          <span className="font-semibold text-fg">3.</span> Review the plan and <span className="font-semibold text-fg">Confirm</span> to apply it.
        </li>
      </ol>
    </EmptyState>
  );
}
