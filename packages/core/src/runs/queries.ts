import { DomainError, isTerminal, LOCK_HOLDING_STATES, statesAccepting, type RunState, type RunType, type TriggerReason } from '@gantry/domain';
import { z } from 'zod';
import type { AccountScope } from '../context.ts';
import { openResourceChanges, type ResourceChange } from '../plans/resource-changes.ts';
import { idInput, parseInput } from '../validation.ts';

export const listRunsInput = z.object({
  stackId: idInput,
  cursor: idInput.nullish(),
  limit: z.number().int().min(1).max(100).optional(),
});

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
  replace: number;
}

export type { ResourceChange } from '../plans/resource-changes.ts';

export interface RunListItem {
  id: string;
  state: RunState;
  type: RunType;
  commitSha: string | null;
  commitMessage: string | null;
  triggeredBy: { id: string; name: string } | null;
  triggerReason: TriggerReason;
  createdAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  /** Whether the plan changes anything; null until planned. A FINISHED run with false changed nothing. */
  hasChanges: boolean | null;
}

export interface RunTimelineEntry {
  state: RunState;
  at: Date;
  actor: { kind: 'USER' | 'WORKER' | 'SYSTEM'; name: string | null };
  reason: string | null;
}

export interface RunDetail extends RunListItem {
  stack: { id: string; name: string; repositoryUrl: string; branch: string; projectRoot: string };
  startedAt: Date | null;
  updatedAt: Date;
  transitions: RunTimelineEntry[];
  queueReason: string | null;
  /** The run `queueReason` names (by short id): the one holding the stack, or whose interrupted apply locked it. */
  waitingForRunId: string | null;
  planSummary: PlanSummary | null;
  resourceChanges: ResourceChange[] | null;
  hasChanges: boolean | null;
  confirmedBy: { id: string; name: string } | null;
  confirmedAt: Date | null;
  error: string | null;
  retryOfId: string | null;
  /** Which buttons make sense now. */
  actions: { confirm: boolean; discard: boolean; stop: boolean; retry: boolean };
}

const person = (id: string | null, name: string | null) => (id ? { id, name: name ?? 'Unknown user' } : null);

function durationOf(run: { createdAt: Date; finishedAt: Date | null }): number | null {
  return run.finishedAt ? run.finishedAt.getTime() - run.createdAt.getTime() : null;
}

/** A stack's runs, newest first, paged by run id. */
export async function listRuns(scope: AccountScope, rawInput: z.input<typeof listRunsInput>): Promise<{ items: RunListItem[]; nextCursor: string | null }> {
  const input = parseInput(listRunsInput, rawInput);
  const limit = input.limit ?? 50;
  const stack = await scope.db.stack.findUnique({ where: { id: input.stackId }, select: { id: true } });
  if (!stack) throw DomainError.notFound('Stack', input.stackId);
  if (input.cursor) {
    const cursorRun = await scope.db.run.findUnique({ where: { id: input.cursor }, select: { stackId: true } });
    if (!cursorRun || cursorRun.stackId !== stack.id) throw DomainError.invalidInput('Unknown cursor', 'cursor');
  }
  const runs = await scope.db.run.findMany({
    where: { stackId: stack.id },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
  });
  const page = runs.slice(0, limit);
  return {
    items: page.map((run) => ({
      id: run.id,
      state: run.state,
      type: run.type,
      commitSha: run.commitSha,
      commitMessage: run.commitMessage,
      triggeredBy: person(run.triggeredById, run.triggeredByName),
      triggerReason: run.triggerReason,
      createdAt: run.createdAt,
      finishedAt: run.finishedAt,
      durationMs: durationOf(run),
      hasChanges: run.hasChanges,
    })),
    nextCursor: runs.length > limit ? (page[page.length - 1]?.id ?? null) : null,
  };
}

export async function getRun(scope: AccountScope, runId: string): Promise<RunDetail> {
  const run = await scope.db.run.findUnique({
    where: { id: runId },
    include: {
      stack: { select: { id: true, name: true, repositoryUrl: true, branch: true, projectRoot: true, lockedReason: true, lockedByRunId: true } },
      transitions: { orderBy: { id: 'asc' } },
    },
  });
  if (!run) throw DomainError.notFound('Run', runId);
  const waitingForRunId = run.state === 'QUEUED' && run.queueReason ? await runQueuedBehind(scope, run.stack) : null;
  const accepts = (type: Parameters<typeof statesAccepting>[1]['type']) =>
    statesAccepting(run.type, { type } as Parameters<typeof statesAccepting>[1]).includes(run.state);
  return {
    id: run.id,
    state: run.state,
    type: run.type,
    commitSha: run.commitSha,
    commitMessage: run.commitMessage,
    triggeredBy: person(run.triggeredById, run.triggeredByName),
    triggerReason: run.triggerReason,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    updatedAt: run.updatedAt,
    finishedAt: run.finishedAt,
    durationMs: durationOf(run),
    stack: { id: run.stack.id, name: run.stack.name, repositoryUrl: run.stack.repositoryUrl, branch: run.stack.branch, projectRoot: run.stack.projectRoot },
    transitions: run.transitions.map((t) => ({
      state: t.toState,
      at: t.at,
      actor: { kind: t.actorKind, name: t.actorName },
      reason: t.reason,
    })),
    queueReason: run.state === 'QUEUED' ? run.queueReason : null,
    waitingForRunId,
    planSummary: (run.planSummary as PlanSummary | null) ?? null,
    resourceChanges: openResourceChanges(scope.services.secretBox, scope.account.id, run.id, run.resourceChangesCiphertext),
    hasChanges: run.hasChanges,
    confirmedBy: person(run.confirmedById, run.confirmedByName),
    confirmedAt: run.confirmedAt,
    error: run.error,
    retryOfId: run.retryOfId,
    actions: {
      confirm: accepts('CONFIRM'),
      discard: accepts('DISCARD') || accepts('CANCEL'),
      stop: accepts('STOP'),
      retry: isTerminal(run.state),
    },
  };
}

/** For the SSE route: the run's current state, whether it ended, and when it entered the state. */
export async function getRunStatus(
  scope: AccountScope,
  runId: string,
): Promise<{ state: RunState; terminal: boolean; at: Date | null; reason: string | null }> {
  const run = await scope.db.run.findUnique({
    where: { id: runId },
    select: { state: true, transitions: { orderBy: { id: 'desc' }, take: 1, select: { at: true, reason: true } } },
  });
  if (!run) throw DomainError.notFound('Run', runId);
  const last = run.transitions[0];
  return { state: run.state, terminal: isTerminal(run.state), at: last?.at ?? null, reason: last?.reason ?? null };
}

/**
 * The run a queued run waits for, as promoteQueuedRuns names it in the queue reason: the run whose
 * interrupted apply locked the stack, else the tracked run or task holding the stack lock.
 */
async function runQueuedBehind(scope: AccountScope, stack: { id: string; lockedReason: string | null; lockedByRunId: string | null }): Promise<string | null> {
  if (stack.lockedReason) return stack.lockedByRunId;
  const holder = await scope.db.run.findFirst({
    where: { stackId: stack.id, type: { in: ['TRACKED', 'TASK'] }, state: { in: [...LOCK_HOLDING_STATES] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });
  return holder?.id ?? null;
}
