import { isTerminal, REPEATABLE_WORKER_STATES, WORKER_STATES, type RunEvent, type RunState } from '@gantry/domain';
import { SYSTEM_ACTOR } from '../context.ts';
import { shortId } from '../short-id.ts';
import { systemScope, type CoreServices } from '../services.ts';
import { AfterCommit } from './effects.ts';
import { applyRunEventInTx } from './transition.ts';

export interface ReaperOptions {
  /** How many times a plan phase is handed to a worker before the run fails (default 2). */
  maxPhaseAttempts?: number;
}

export interface ReapedRun {
  runId: string;
  accountId: string;
  from: RunState;
  to: RunState;
  reason: string;
}

const PHASE_NAME: Partial<Record<RunState, string>> = {
  PREPARING: 'preparing',
  INITIALIZING: 'initializing',
  PLANNING: 'planning',
  PREPARING_APPLY: 'preparing the apply',
  APPLYING: 'apply',
  PERFORMING: 'task',
};

/**
 * Decides the fate of runs whose worker stopped heart-beating. Repeatable work (checkout, init,
 * plan, restoring the plan) is handed to another worker a bounded number of times; an apply is never
 * repeated: the run fails with "worker lost during apply" and the stack stays locked until a human
 * has checked the infrastructure. Safe to run in every worker at once: each run is re-checked under
 * its row lock.
 */
export async function reapExpiredLeases(services: CoreServices, options: ReaperOptions = {}): Promise<ReapedRun[]> {
  const maxAttempts = options.maxPhaseAttempts ?? 2;
  const now = services.now();
  const candidates = await services.prisma.run.findMany({
    where: { state: { in: [...WORKER_STATES] }, leaseExpiresAt: { lt: now } },
    select: { id: true, accountId: true },
    orderBy: { leaseExpiresAt: 'asc' },
    take: 100,
  });
  const reaped: ReapedRun[] = [];
  for (const candidate of candidates) {
    const scope = await systemScope(services, candidate.accountId, SYSTEM_ACTOR);
    const effects = new AfterCommit();
    const outcome = await scope.db.transaction(async (tx) => {
      const head = await tx.run.findUnique({ where: { id: candidate.id }, select: { stackId: true } });
      if (!head) return null;
      await tx.lockStack(head.stackId);
      await tx.lockRun(candidate.id);
      const run = await tx.run.findUniqueOrThrow({ where: { id: candidate.id } });
      // Re-check under the lock: the worker may have heart-beaten or finished meanwhile.
      if (!WORKER_STATES.has(run.state) || isTerminal(run.state) || !run.leaseExpiresAt || run.leaseExpiresAt >= now) return null;

      const worker = `worker ${run.leaseOwner ?? '(unknown)'}`;
      const silentSince = `no heartbeat since ${run.heartbeatAt?.toISOString() ?? 'the phase started'}`;
      const lost = `Worker ${run.leaseOwner ?? '(unknown)'} lost during ${PHASE_NAME[run.state] ?? run.state} (${silentSince})`;
      let event: RunEvent;
      let reason: string;
      if (run.state === 'APPLYING') {
        event = { type: 'FAIL' };
        // Said once: what happened, then what to do. The apply may have changed some resources.
        reason =
          `Worker lost during apply: ${worker} stopped responding (${silentSince}), so the apply may have changed only part of the infrastructure. ` +
          'It is not repeated automatically: check the infrastructure against the stack\'s state, then unlock the stack.';
        await tx.stack.update({
          where: { id: run.stackId },
          // The run's id is in lockedByRunId (the web links it); the text names it as people see it.
          data: { lockedReason: `the apply of run ${shortId(run.id)} was interrupted (worker lost during apply)`, lockedByRunId: run.id },
        });
      } else if (REPEATABLE_WORKER_STATES.has(run.state) && run.phaseAttempts < maxAttempts) {
        event = { type: 'REQUEUE' };
        reason = `${lost}; handing the phase to another worker (attempt ${run.phaseAttempts + 1} of ${maxAttempts})`;
      } else {
        event = { type: 'FAIL' };
        reason = REPEATABLE_WORKER_STATES.has(run.state) ? `${lost}; giving up after ${run.phaseAttempts} attempts` : lost;
      }
      const updated = await applyRunEventInTx(
        tx,
        run.id,
        event,
        { actor: SYSTEM_ACTOR, reason, ...(event.type === 'FAIL' ? { update: { error: reason } } : {}) },
        now,
        effects,
      );
      return { runId: run.id, accountId: candidate.accountId, from: run.state, to: updated.state, reason };
    });
    effects.publish(scope);
    if (outcome) reaped.push(outcome);
  }
  return reaped;
}
