'use client';

import { availableRunActions, Button, IconCheck, IconRetry, IconStop, IconX, type RunAction } from '@gantry/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { useAccount } from '@/lib/account.tsx';
import { errorMessage } from '@/lib/errors.ts';
import { paths } from '@/lib/paths.ts';
import { isRunState, withState } from '@/lib/run-optimistic.ts';
import { useTRPC } from '@/lib/trpc.tsx';

const BUTTONS: Record<RunAction, { label: string; pendingLabel: string; variant: 'success' | 'secondary' | 'danger' | 'primary'; icon: ReactNode }> = {
  confirm: { label: 'Confirm', pendingLabel: 'Confirming…', variant: 'success', icon: <IconCheck size={14} /> },
  discard: { label: 'Discard', pendingLabel: 'Discarding…', variant: 'secondary', icon: <IconX size={14} /> },
  stop: { label: 'Stop', pendingLabel: 'Stopping…', variant: 'danger', icon: <IconStop size={13} /> },
  retry: { label: 'Retry', pendingLabel: 'Retrying…', variant: 'primary', icon: <IconRetry size={14} /> },
};

type ServerActions = Partial<Record<RunAction, boolean>>;

/**
 * Confirm/Discard when UNCONFIRMED, Stop while initializing or planning, Discard while queued,
 * Retry when failed. The server also says which actions the run accepts (`allowed`); a button
 * shows only if both agree, so none is offered that would be refused.
 */
export function RunActions({ runId, stackId, state, allowed }: { runId: string; stackId: string; state: string; allowed?: ServerActions | null }) {
  const trpc = useTRPC();
  const account = useAccount();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<RunAction | null>(null);
  const [error, setError] = useState<string | null>(null);
  const runKey = trpc.runs.get.queryKey({ id: runId });

  const options = {
    onMutate: async () => {
      setError(null);
      // A refetch started before the action would land after it with the old state.
      await queryClient.cancelQueries({ queryKey: runKey });
    },
    onSuccess: (result: { id: string; state: string }, _input: { id: string }) => {
      // Show the new state at once; the event stream and the refetch bring the details.
      const state = result.state;
      if (result.id === runId && isRunState(state)) queryClient.setQueryData(runKey, (old) => old && withState(old, state));
      void queryClient.invalidateQueries({ queryKey: runKey });
      void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
      if (result.id !== runId) router.push(paths.run(account.slug, stackId, result.id)); // retry made a new run
    },
    onError: (error: unknown) => setError(errorMessage(error, 'The action failed. Reload the page to see the run’s current state.')),
    onSettled: () => setPending(null),
  };
  const mutations = {
    confirm: useMutation(trpc.runs.confirm.mutationOptions(options)),
    discard: useMutation(trpc.runs.discard.mutationOptions(options)),
    stop: useMutation(trpc.runs.stop.mutationOptions(options)),
    retry: useMutation(trpc.runs.retry.mutationOptions(options)),
  };

  const serverAgrees = (action: RunAction) => !allowed || allowed[action] !== false;
  const actions = availableRunActions(state, account.role).filter(serverAgrees);
  if (actions.length === 0 && !error) return null;
  return (
    <div className="flex flex-col items-end gap-1.5">
      <div className="flex gap-2" role="group" aria-label="Run actions">
        {actions.map((action) => {
          const b = BUTTONS[action];
          return (
            <Button
              key={action}
              variant={b.variant}
              icon={b.icon}
              loading={pending === action}
              disabled={pending !== null && pending !== action}
              onClick={() => {
                setPending(action);
                mutations[action].mutate({ id: runId });
              }}
            >
              {pending === action ? b.pendingLabel : b.label}
            </Button>
          );
        })}
      </div>
      {error ? (
        <p role="alert" className="max-w-md text-right text-xs text-red-600 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}
