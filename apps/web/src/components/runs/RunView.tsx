'use client';

import {
  Alert,
  Badge,
  commitTitle,
  commitUrl,
  cx,
  formatDuration,
  IconClock,
  isLogPhase,
  isTerminalState,
  LogViewer,
  NO_LOG_LINES,
  PlanSummary,
  RelativeTime,
  ResourceChanges,
  RunTimeline,
  shortSha,
  StateBadge,
} from '@gantry/ui';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useAccount } from '@/lib/account.tsx';
import type { RunDetail } from '@/lib/api-types.ts';
import { errorCode, errorMessage } from '@/lib/errors.ts';
import { paths } from '@/lib/paths.ts';
import { isRunState, withState } from '@/lib/run-optimistic.ts';
import { failedPhase, withoutRepeatedError } from '@/lib/run-failure.ts';
import { isNoChangesRun } from '@/lib/run-outcome.ts';
import { defaultPhase, phaseFromHash } from '@/lib/run-phase.ts';
import { shortRunId, splitRunIds, triggerReasonLabel } from '@/lib/runs.ts';
import { useTRPC } from '@/lib/trpc.tsx';
import { useRunEvents, type RunStateEvent, type StreamStatus } from '@/lib/use-run-events.ts';
import { Elapsed } from '../Elapsed.tsx';
import { RunActions } from './RunActions.tsx';
import { RunFailure } from './RunFailure.tsx';

/** The run screen: header with actions, state timeline, plan, and the live log of a phase. */
export function RunView({ stackId, runId }: { stackId: string; runId: string }) {
  const trpc = useTRPC();
  const account = useAccount();
  const queryClient = useQueryClient();
  const runKey = trpc.runs.get.queryKey({ id: runId });
  const [streamFailed, setStreamFailed] = useState(false);
  const run = useQuery({
    ...trpc.runs.get.queryOptions({ id: runId }),
    // The event stream drives updates; poll only if it is unavailable and the run is still going.
    refetchInterval: (q) => (streamFailed && q.state.data && !isTerminalState(q.state.data.state) ? 3_000 : false),
  });

  // A failed apply may have left the stack locked: then the way forward is unlocking, not Retry.
  const stack = useQuery({ ...trpc.stacks.get.queryOptions({ id: stackId }), enabled: run.data?.state === 'FAILED' });
  const lockedByThisRun = stack.data?.lockedByRunId === runId;

  const onState = useCallback(
    (event: RunStateEvent) => {
      // Move the state and the timeline at once, then fetch what the transition changed
      // (plan summary, resource changes, who confirmed…).
      if (isRunState(event.state)) {
        const state = event.state;
        void queryClient.cancelQueries({ queryKey: runKey }); // an older answer must not win
        queryClient.setQueryData(runKey, (old) => old && withState(old, state, { at: event.at ? new Date(event.at) : null, reason: event.reason }));
      }
      void queryClient.invalidateQueries({ queryKey: runKey });
      void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
    },
    [queryClient, runKey, trpc, stackId],
  );
  const onEnd = useCallback(() => void queryClient.invalidateQueries({ queryKey: runKey }), [queryClient, runKey]);
  const { log, version, status } = useRunEvents(account.slug, runId, onState, onEnd);
  useEffect(() => setStreamFailed(status === 'unavailable'), [status]);

  const [picked, setPicked] = useState<string | null>(null);
  const [hashPhase, setHashPhase] = useState<string | null>(null);
  useEffect(() => {
    const read = () => setHashPhase(phaseFromHash(window.location.hash));
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, []);

  // `version` changes whenever the log does: recompute the phases and lines from it.
  const phases = useMemo(() => log.phaseNames(), [log, version]); // eslint-disable-line react-hooks/exhaustive-deps
  const data = run.data;
  const selected = picked ?? hashPhase ?? defaultPhase(data?.state, phases);
  const lines = useMemo(() => (selected ? log.lines(selected) : NO_LOG_LINES), [log, selected, version]); // eslint-disable-line react-hooks/exhaustive-deps

  if (run.isError) {
    const missing = errorCode(run.error) === 'NOT_FOUND';
    return (
      <div className="px-6 py-6">
        <Alert title={missing ? 'Run not found' : 'Could not load the run'}>
          {missing ? 'It was deleted, or it belongs to another account.' : errorMessage(run.error)}{' '}
          <Link href={paths.stack(account.slug, stackId)} className="underline">
            Back to the stack
          </Link>
        </Alert>
      </div>
    );
  }
  if (!data) return <RunSkeleton />;

  const live = !isTerminalState(data.state) && status !== 'ended';
  const selectPhase = (phase: string) => {
    setPicked(phase);
    if (window.location.hash) history.replaceState(null, '', window.location.pathname + window.location.search);
    setHashPhase(null);
  };

  return (
    <>
      <RunHeader run={data} stackId={stackId} />
      <div className="grid gap-5 px-6 py-4 lg:grid-cols-[15rem_minmax(0,1fr)]">
        {/* On narrow screens the timeline follows the log: status, actions and output come first. */}
        <aside aria-labelledby="timeline-title" className="order-last space-y-4 lg:order-none">
          <div className="rounded-lg border border-line bg-surface p-2">
            <h2 id="timeline-title" className="px-2 pt-1 pb-2 text-xs font-semibold tracking-wide text-muted uppercase">
              Timeline
            </h2>
            <RunTimeline transitions={withoutRepeatedError(data.transitions, data.error)} selected={selected} hasLog={(s) => phases.includes(s) || (isLogPhase(s) && s === data.state)} onSelect={selectPhase} />
          </div>
        </aside>
        <div className="min-w-0 space-y-4">
          {data.state === 'QUEUED' && data.queueReason ? (
            <Alert tone="info" title="Waiting in the queue">
              <QueueReason reason={data.queueReason} runId={data.waitingForRunId} stackId={stackId} />
            </Alert>
          ) : null}
          {data.state === 'FAILED' ? (
            <RunFailure error={data.error} phase={failedPhase(data.transitions)} stackId={stackId} branch={data.stack.branch} lockedByThisRun={lockedByThisRun} onShowLog={selectPhase} />
          ) : null}
          {data.state === 'UNCONFIRMED' ? (
            <Alert tone="warning" title="This plan waits for your confirmation">
              Review the changes below. Confirm applies exactly this plan; Discard ends the run without changing anything.
            </Alert>
          ) : null}
          {data.planSummary ? <PlanSection run={data} /> : null}
          <section aria-labelledby="log-title" className="space-y-2">
            <div className="flex flex-wrap items-center gap-2">
              <h2 id="log-title" className="text-sm font-semibold">
                Log
              </h2>
              {phases.length > 0 || (selected && isLogPhase(selected)) ? (
                <div role="group" aria-label="Phase" className="flex flex-wrap gap-1">
                  {unique([...phases, ...(selected && !phases.includes(selected) ? [selected] : [])]).map((phase) => (
                    <button
                      key={phase}
                      type="button"
                      aria-pressed={phase === selected}
                      onClick={() => selectPhase(phase)}
                      className={cx(
                        'rounded px-2 py-0.5 text-xs font-medium',
                        phase === selected ? 'bg-fg text-bg' : 'bg-subtle text-muted hover:text-fg',
                      )}
                    >
                      {phase.replace(/_/g, ' ').toLowerCase()}
                    </button>
                  ))}
                </div>
              ) : null}
            </div>
            {selected ? (
              <LogViewer
                lines={lines}
                phase={selected}
                downloadName={`${data.stack.name}-run-${shortRunId(data.id)}-${selected}`}
                live={live && selected === data.state}
                status={<StreamIndicator status={status} />}
                empty={selected === data.state ? 'Waiting for output…' : 'This phase wrote no output.'}
                className="h-[min(70vh,48rem)]"
              />
            ) : (
              <div className="rounded-lg border border-dashed border-line px-4 py-8 text-center text-sm text-muted">
                {data.state === 'QUEUED' || data.state === 'READY'
                  ? 'The log appears here as soon as a worker picks up the run.'
                  : 'This run has no log output.'}{' '}
                <StreamIndicator status={status} />
              </div>
            )}
          </section>
        </div>
      </div>
    </>
  );
}

/** The server's reason a run waits, with the run it names as a link ("Waiting for run 3a8c21f0 to finish…"). */
function QueueReason({ reason, runId, stackId }: { reason: string; runId: string | null; stackId: string }) {
  const account = useAccount();
  return (
    <>
      {splitRunIds(reason, [runId]).map((part, i) =>
        'runId' in part ? (
          <Link key={i} href={paths.run(account.slug, stackId, part.runId)} className="font-mono font-medium underline hover:no-underline" title={part.runId}>
            {shortRunId(part.runId)}
          </Link>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function RunHeader({ run, stackId }: { run: RunDetail; stackId: string }) {
  const account = useAccount();
  const link = run.commitSha ? commitUrl(run.stack.repositoryUrl, run.commitSha) : null;
  const title = commitTitle(run.commitMessage) || `Run ${shortRunId(run.id)}`;
  const sha = run.commitSha ? (
    link ? (
      <a href={link} className="font-mono hover:text-accent hover:underline" target="_blank" rel="noreferrer">
        {shortSha(run.commitSha)}
      </a>
    ) : (
      <span className="font-mono" title={run.commitSha}>
        {shortSha(run.commitSha)}
      </span>
    )
  ) : (
    <span>—</span>
  );
  const ended = isTerminalState(run.state);
  return (
    <header className="border-b border-line bg-surface px-6 pt-4 pb-3">
      <nav aria-label="Breadcrumb" className="mb-1 text-xs text-muted">
        <Link href={paths.stacks(account.slug)} className="hover:text-fg hover:underline">
          Stacks
        </Link>
        <span aria-hidden="true"> / </span>
        <Link href={paths.stack(account.slug, stackId)} className="hover:text-fg hover:underline">
          {run.stack.name}
        </Link>
        <span aria-hidden="true"> / </span>
        <span>Run {shortRunId(run.id)}</span>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex items-center gap-2.5">
            <StateBadge state={run.state} size="md" />
            {isNoChangesRun(run) ? (
              <Badge tone="muted" title="The plan changed nothing, so nothing was applied">
                No changes
              </Badge>
            ) : null}
            <h1 className="truncate text-lg font-semibold tracking-tight" title={run.commitMessage ?? undefined}>
              {title}
            </h1>
          </div>
          <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs sm:flex sm:flex-wrap sm:gap-x-5">
            <Meta label="Commit">{sha}</Meta>
            <Meta label="Triggered by">
              {run.triggeredBy?.name ?? 'Gantry'} · {triggerReasonLabel(run.triggerReason).toLowerCase()}
            </Meta>
            <Meta label="Created">
              <RelativeTime value={run.createdAt} />
            </Meta>
            <Meta label="Duration">
              <span className="inline-flex items-center gap-1">
                <IconClock size={12} className="text-muted" />
                {run.durationMs !== null ? formatDuration(run.durationMs) : !ended ? <Elapsed since={run.createdAt} /> : '—'}
              </span>
            </Meta>
            <Meta label="Type">
              <Badge tone="muted">{run.type.toLowerCase()}</Badge>
            </Meta>
            {run.retryOfId ? (
              <Meta label="Retry of">
                <Link href={paths.run(account.slug, stackId, run.retryOfId)} className="font-mono hover:text-accent hover:underline">
                  run {shortRunId(run.retryOfId)}
                </Link>
              </Meta>
            ) : null}
            {run.confirmedBy ? (
              <Meta label="Confirmed by">
                {run.confirmedBy.name}
                {run.confirmedAt ? (
                  <>
                    {' '}
                    <span className="text-muted">
                      (<RelativeTime value={run.confirmedAt} />)
                    </span>
                  </>
                ) : null}
              </Meta>
            ) : null}
          </dl>
        </div>
        <RunActions runId={run.id} stackId={stackId} state={run.state} allowed={run.actions} />
      </div>
    </header>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="contents sm:flex sm:items-baseline sm:gap-1.5">
      <dt className="text-muted">{label}</dt>
      <dd className="min-w-0 text-fg">{children}</dd>
    </div>
  );
}

/** A run that is over with more changes than this opens on its log, the table one click away. */
const OPEN_CHANGES_OF_ENDED_RUN = 10;

function PlanSection({ run }: { run: RunDetail }) {
  const summary = run.planSummary!;
  const changes = run.resourceChanges && run.resourceChanges.length > 0 ? run.resourceChanges : null;
  // Open while the plan is being reviewed or applied (it stays open after Confirm); a long table of
  // a finished run would push its log, what one comes back for, off the screen.
  const [open, setOpen] = useState(() => !isTerminalState(run.state) || (changes?.length ?? 0) <= OPEN_CHANGES_OF_ENDED_RUN);
  return (
    <section aria-labelledby="plan-title" className="rounded-lg border border-line bg-surface">
      <div className={cx('flex flex-wrap items-center justify-between gap-3 px-3 py-2.5', open && changes && 'border-b border-line')}>
        <div className="flex flex-wrap items-center gap-x-4 gap-y-1">
          <h2 id="plan-title" className="text-sm font-semibold">
            Plan
          </h2>
          <PlanSummary summary={summary} />
        </div>
        {changes ? (
          <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)} className="text-xs font-medium text-accent hover:underline">
            {open ? 'Hide resource changes' : `Show resource changes (${changes.length})`}
          </button>
        ) : null}
      </div>
      {/* A plan without changes says so in its summary; an empty table would repeat it. */}
      {open && changes ? <ResourceChanges changes={changes} /> : null}
    </section>
  );
}

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Polling',
  reconnecting: 'Reconnecting…',
  ended: 'Complete',
  unavailable: 'Live updates unavailable — reload to retry',
};

const STATUS_TITLE: Partial<Record<StreamStatus, string>> = {
  polling: 'The server cannot get live updates right now (Redis is unavailable); it checks for new output every second.',
  reconnecting: 'The connection to the server dropped; reconnecting. Nothing is lost: the log resumes where it stopped.',
};

function StreamIndicator({ status }: { status: StreamStatus }) {
  return (
    <span className="inline-flex items-center gap-1.5" role="status" title={STATUS_TITLE[status]}>
      <span
        aria-hidden="true"
        className={cx(
          'size-1.5 rounded-full',
          status === 'live' && 'animate-pulse bg-emerald-500',
          status === 'ended' && 'bg-zinc-400',
          (status === 'connecting' || status === 'reconnecting' || status === 'polling') && 'animate-pulse bg-amber-500',
          status === 'unavailable' && 'bg-red-500',
        )}
      />
      {STATUS_TEXT[status]}
    </span>
  );
}

function RunSkeleton() {
  return (
    <div className="px-6 py-6" aria-busy="true">
      <p className="sr-only">Loading run…</p>
      <div className="h-5 w-72 animate-pulse rounded bg-subtle" />
      <div className="mt-3 h-3 w-96 animate-pulse rounded bg-subtle" />
      <div className="mt-8 h-96 animate-pulse rounded-lg bg-subtle" />
    </div>
  );
}
