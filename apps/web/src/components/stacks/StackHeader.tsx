'use client';

import { Alert, Badge, cx, IconGitBranch, isTerminalState, LabelChip, repositoryLabel, StateBadge, stateLabel } from '@gantry/ui';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { canWrite, useAccount } from '@/lib/account.tsx';
import { errorCode, errorMessage } from '@/lib/errors.ts';
import { paths } from '@/lib/paths.ts';
import { shortRunId } from '@/lib/runs.ts';
import { useTRPC } from '@/lib/trpc.tsx';
import { StackLockBanner } from './StackLockBanner.tsx';
import { TriggerButton } from './TriggerButton.tsx';

export const STACK_TABS = [
  { segment: '', label: 'Runs' },
  { segment: 'tasks', label: 'Tasks' },
  { segment: 'environment', label: 'Environment' },
  { segment: 'policies', label: 'Policies' },
  { segment: 'integrations', label: 'Integrations' },
  { segment: 'state', label: 'State' },
  { segment: 'settings', label: 'Settings' },
] as const;

const VENDOR_LABEL: Record<string, string> = { OPENTOFU: 'OpenTofu', TERRAFORM: 'Terraform' };

export function StackHeader({ stackId }: { stackId: string }) {
  const trpc = useTRPC();
  const account = useAccount();
  const pathname = usePathname();
  const stack = useQuery(trpc.stacks.get.queryOptions({ id: stackId }));
  const base = paths.stack(account.slug, stackId);
  const data = stack.data;

  if (stack.isError) {
    return (
      <div className="px-6 py-6">
        <Alert title={errorCode(stack.error) === 'NOT_FOUND' ? 'Stack not found' : 'Could not load the stack'}>
          {errorCode(stack.error) === 'NOT_FOUND' ? (
            <>
              It was deleted, or it belongs to another account.{' '}
              <Link href={paths.stacks(account.slug)} className="underline">
                Back to stacks
              </Link>
            </>
          ) : (
            errorMessage(stack.error)
          )}
        </Alert>
      </div>
    );
  }

  return (
    <header className="border-b border-line bg-surface px-6 pt-4">
      <div className="mb-1 text-xs text-muted">
        <Link href={paths.stacks(account.slug)} className="hover:text-fg hover:underline">
          Stacks
        </Link>
      </div>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex min-w-0 items-center gap-2.5">
            <h1 className="truncate text-lg font-semibold tracking-tight">{data?.name ?? <span className="inline-block h-5 w-40 animate-pulse rounded bg-subtle" />}</h1>
            {/* The stack's state is its current (or last) run's, as in Spacelift; it follows the run live. */}
            {data?.lastRun ? (
              <Link href={paths.run(account.slug, stackId, data.lastRun.id)} className="inline-flex shrink-0" title="Open the run this state comes from">
                <StateBadge state={data.lastRun.state} />
                <span className="sr-only"> (run {shortRunId(data.lastRun.id)})</span>
              </Link>
            ) : null}
          </div>
          {data ? (
            <dl className="mt-1 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted">
              <div className="flex items-center gap-1">
                <dt className="sr-only">Source</dt>
                <IconGitBranch size={13} />
                <dd className="font-mono" title={data.repositoryUrl}>
                  {repositoryLabel(data.repositoryUrl)}@{data.branch}
                  {data.projectRoot ? `/${data.projectRoot.replace(/^\/+/, '')}` : ''}
                </dd>
              </div>
              <div className="flex items-center gap-1">
                <dt className="sr-only">Vendor</dt>
                <dd>
                  {VENDOR_LABEL[data.vendor] ?? data.vendor}
                  {data.vendorVersion ? ` ${data.vendorVersion}` : ''}
                </dd>
              </div>
              <div>
                <dt className="sr-only">Autodeploy</dt>
                <dd>
                  <Badge tone={data.autodeploy ? 'accent' : 'muted'}>{data.autodeploy ? 'Autodeploy on' : 'Autodeploy off'}</Badge>
                </dd>
              </div>
              {data.labels.length ? (
                <div className="flex items-center gap-1">
                  <dt className="sr-only">Labels</dt>
                  {data.labels.map((l) => (
                    <dd key={l}>
                      <LabelChip>{l}</LabelChip>
                    </dd>
                  ))}
                </div>
              ) : null}
            </dl>
          ) : null}
          {data?.description ? <p className="mt-1.5 max-w-3xl text-sm text-muted">{data.description}</p> : null}
        </div>
        {data ? (
          canWrite(account.role) ? (
            <div className="flex flex-col items-end gap-1">
              <TriggerButton stackId={stackId} />
              {/* One tracked run at a time: say before the click that a new run will queue. */}
              {data.lastRun && !isTerminalState(data.lastRun.state) && !data.lockedReason ? (
                <p className="max-w-64 text-right text-xs text-muted">
                  Run {shortRunId(data.lastRun.id)} holds the stack ({stateLabel(data.lastRun.state).toLowerCase()}); a new run waits for it.
                </p>
              ) : null}
            </div>
          ) : (
            <p className="max-w-56 text-right text-xs text-muted">
              <span className="font-medium text-fg">Read only.</span> Readers follow runs; writers and admins trigger them.
            </p>
          )
        ) : null}
      </div>
      {data?.lockedReason ? <StackLockBanner stackId={stackId} reason={data.lockedReason} runId={data.lockedByRunId} /> : null}
      <nav aria-label="Stack" className="-mb-px mt-3 flex gap-1 overflow-x-auto">
        {STACK_TABS.map((tab) => {
          const href = tab.segment ? `${base}/${tab.segment}` : base;
          const active = tab.segment ? pathname.startsWith(href) : pathname === base;
          return (
            <Link
              key={tab.label}
              href={href}
              aria-current={active ? 'page' : undefined}
              className={cx(
                'border-b-2 px-2.5 pt-1 pb-2 text-sm font-medium whitespace-nowrap',
                active ? 'border-accent text-fg' : 'border-transparent text-muted hover:border-line hover:text-fg',
              )}
            >
              {tab.label}
            </Link>
          );
        })}
      </nav>
    </header>
  );
}
