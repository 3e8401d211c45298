'use client';

import { Button, IconPlay } from '@gantry/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useAccount } from '@/lib/account.tsx';
import { errorMessage } from '@/lib/errors.ts';
import { paths } from '@/lib/paths.ts';
import { useTRPC } from '@/lib/trpc.tsx';

/** Starts a tracked run and opens it, where the log streams. */
export function TriggerButton({ stackId, size = 'md' }: { stackId: string; size?: 'sm' | 'md' }) {
  const trpc = useTRPC();
  const router = useRouter();
  const account = useAccount();
  const queryClient = useQueryClient();
  const trigger = useMutation(
    trpc.runs.trigger.mutationOptions({
      onSuccess: ({ id }) => {
        router.push(paths.run(account.slug, stackId, id));
        // Mark lists stale without refetching now: this page is being left for the run's.
        void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey(), refetchType: 'none' });
        void queryClient.invalidateQueries({ queryKey: trpc.stacks.list.pathKey(), refetchType: 'none' });
      },
    }),
  );
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="primary" size={size} icon={<IconPlay size={13} />} loading={trigger.isPending || trigger.isSuccess} onClick={() => trigger.mutate({ stackId })}>
        Trigger
      </Button>
      {trigger.isError ? (
        <p role="alert" className="max-w-72 text-right text-xs text-red-600 dark:text-red-400">
          {errorMessage(trigger.error, 'Could not start a run. Try again.')}
        </p>
      ) : null}
    </div>
  );
}
