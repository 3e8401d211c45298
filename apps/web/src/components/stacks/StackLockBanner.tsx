'use client';

import { Alert, Button, ConfirmDialog, IconLock } from '@gantry/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { canWrite, useAccount } from '@/lib/account.tsx';
import { errorMessage } from '@/lib/errors.ts';
import { paths } from '@/lib/paths.ts';
import { shortRunId, splitRunIds } from '@/lib/runs.ts';
import { useTRPC } from '@/lib/trpc.tsx';

/**
 * A stack left locked by an interrupted apply: nothing runs until a person has checked the
 * infrastructure against the state and unlocks it. Says why, links the run, and offers Unlock to
 * those who may.
 */
export function StackLockBanner({ stackId, reason, runId }: { stackId: string; reason: string; runId: string | null }) {
  const trpc = useTRPC();
  const account = useAccount();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const unlock = useMutation(
    trpc.stacks.unlock.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        void queryClient.invalidateQueries({ queryKey: trpc.stacks.get.queryKey({ id: stackId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.stacks.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
      },
    }),
  );
  const mayUnlock = canWrite(account.role);

  return (
    <div className="mt-3">
      <Alert tone="warning" title="This stack is locked">
        <p>
          <LockReason reason={reason} stackId={stackId} runId={runId} /> New runs
          wait until the stack is unlocked. Check that the infrastructure matches the state first: the interrupted apply may have changed some
          resources.
        </p>
        {mayUnlock ? (
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <Button size="sm" icon={<IconLock size={13} />} onClick={() => setConfirming(true)}>
              Unlock stack
            </Button>
            {unlock.isError ? (
              <span role="alert" className="text-xs text-red-600 dark:text-red-400">
                {errorMessage(unlock.error, 'Could not unlock the stack. Try again.')}
              </span>
            ) : null}
          </div>
        ) : (
          <p className="mt-1 text-xs">Writers and admins can unlock it.</p>
        )}
      </Alert>
      <ConfirmDialog
        open={confirming}
        title="Unlock this stack?"
        confirmLabel="Unlock stack"
        confirmVariant="primary"
        pending={unlock.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => unlock.mutate({ id: stackId })}
      >
        Queued runs start at once. Unlock only after checking that the infrastructure matches the state.
      </ConfirmDialog>
    </div>
  );
}

/** "The apply of run 3a8c21f0 was interrupted (…)." with the runs it names as links (the locking run appended when it names none). */
function LockReason({ reason, stackId, runId }: { reason: string; stackId: string; runId: string | null }) {
  const account = useAccount();
  const text = reason.charAt(0).toUpperCase() + reason.slice(1).replace(/\.?$/, '.');
  const parts = splitRunIds(text, [runId]);
  const runLink = (id: string) => (
    <Link href={paths.run(account.slug, stackId, id)} className="font-mono font-medium underline hover:no-underline" title={id}>
      {shortRunId(id)}
    </Link>
  );
  return (
    <>
      {parts.map((part, i) => ('runId' in part ? <span key={i}>{runLink(part.runId)}</span> : <span key={i}>{part.text}</span>))}
      {runId && !parts.some((p) => 'runId' in p) ? <> (run {runLink(runId)})</> : null}
    </>
  );
}
