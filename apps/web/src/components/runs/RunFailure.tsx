'use client';

import Link from 'next/link';
import { canWrite, useAccount } from '@/lib/account.tsx';
import { paths } from '@/lib/paths.ts';
import { failureCause, phaseName } from '@/lib/run-failure.ts';

/**
 * Why a run failed, said once, at the top of the run page, with what to do next. The timeline does
 * not repeat the message; the log keeps the full output of the phase.
 */
export function RunFailure({
  error,
  phase,
  stackId,
  branch,
  lockedByThisRun,
  onShowLog,
}: {
  error: string | null;
  /** The phase it failed in, when it has a log. */
  phase: string | null;
  stackId: string;
  /** The stack's branch, where a fix is pushed. */
  branch: string;
  /** Its interrupted apply left the stack locked: unlocking comes before anything else. */
  lockedByThisRun: boolean;
  onShowLog: (phase: string) => void;
}) {
  const account = useAccount();
  const writer = canWrite(account.role);
  const cause = failureCause(error, phase);
  const settings = (
    <Link href={paths.stackTab(account.slug, stackId, 'settings')} className="font-medium underline hover:no-underline">
      settings
    </Link>
  );
  const environment = (
    <Link href={paths.stackTab(account.slug, stackId, 'environment')} className="font-medium underline hover:no-underline">
      environment
    </Link>
  );
  const readLog = (
    <li>
      {phase ? (
        <>
          Read the{' '}
          <button type="button" onClick={() => onShowLog(phase)} className="font-medium underline hover:no-underline">
            {phaseName(phase)} log
          </button>{' '}
          below for the details.
        </>
      ) : (
        'Read the message above for the cause.'
      )}
    </li>
  );
  return (
    <section role="alert" aria-labelledby="run-failure-title" className="rounded-lg border border-red-600/30 bg-red-500/5 px-4 py-3 text-sm text-red-900 dark:text-red-100">
      <h2 id="run-failure-title" className="font-semibold">
        The run failed{phase ? ` while ${phaseName(phase)}` : ''}
      </h2>
      {error ? <pre className="mt-2 max-h-60 overflow-auto font-mono text-xs whitespace-pre-wrap">{error}</pre> : null}
      <h3 className="mt-3 text-xs font-semibold tracking-wide uppercase opacity-80">What to do next</h3>
      {lockedByThisRun ? (
        <p className="mt-1">
          Its apply was interrupted, so the stack stays locked and new runs wait. Check that the infrastructure matches the state, then unlock the stack on{' '}
          <Link href={paths.stack(account.slug, stackId)} className="font-medium underline hover:no-underline">
            its page
          </Link>
          .
        </p>
      ) : (
        <ol className="mt-1 list-decimal space-y-0.5 pl-5">
          {readLog}
          {cause.kind === 'repository' ? (
            <>
              <li>
                Check the Repository URL and Branch in the stack&apos;s {settings}: the workers must be able to clone that repository and find{' '}
                <code className="font-mono">{branch}</code> in it.
              </li>
              <li>{writer ? 'Then press Retry, or Trigger a new run.' : 'Then ask a writer or an admin to retry the run.'}</li>
            </>
          ) : cause.kind === 'variable' ? (
            <>
              <li>
                Add the missing input as <code className="font-mono">TF_VAR_&lt;name&gt;</code> on the stack&apos;s {environment} (the log names it), or give
                the variable a default.
              </li>
              <li>{writer ? 'Then press Retry: it runs the same commit with the new environment.' : 'Then ask a writer or an admin to retry the run.'}</li>
            </>
          ) : cause.kind === 'configuration' ? (
            <>
              <li>
                Fix <code className="font-mono">{cause.file}</code> line {cause.line} in the repository and push it to <code className="font-mono">{branch}</code>.
              </li>
              <li>
                {writer ? 'Then Trigger a new run. Retry would run the same commit again and fail the same way.' : 'Then ask a writer or an admin to trigger a new run.'}
              </li>
            </>
          ) : (
            <>
              <li>
                Fix the cause: the configuration in the repository, or the stack&apos;s {settings} or {environment}.
              </li>
              <li>{writer ? 'Press Retry to run it again with the same commit, or Trigger a new run after pushing a fix.' : 'Ask a writer or an admin to retry the run.'}</li>
            </>
          )}
        </ol>
      )}
    </section>
  );
}
