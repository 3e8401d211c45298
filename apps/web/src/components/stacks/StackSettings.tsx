'use client';

import { Alert, Button, ConfirmDialog } from '@gantry/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { canWrite, useAccount } from '@/lib/account.tsx';
import { errorMessage } from '@/lib/errors.ts';
import { paths } from '@/lib/paths.ts';
import { useTRPC } from '@/lib/trpc.tsx';
import { StackForm } from './StackForm.tsx';

export function StackSettings({ stackId }: { stackId: string }) {
  const trpc = useTRPC();
  const account = useAccount();
  const router = useRouter();
  const queryClient = useQueryClient();
  const stack = useQuery(trpc.stacks.get.queryOptions({ id: stackId }));
  const [confirming, setConfirming] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const remove = useMutation(
    trpc.stacks.delete.mutationOptions({
      onSuccess: () => {
        queryClient.removeQueries({ queryKey: trpc.stacks.get.queryKey({ id: stackId }) });
        void queryClient.invalidateQueries({ queryKey: trpc.stacks.list.pathKey() });
        router.push(paths.stacks(account.slug));
      },
    }),
  );

  if (!stack.data) return stack.isError ? <Alert>{errorMessage(stack.error)}</Alert> : <p className="text-sm text-muted">Loading…</p>;
  if (!canWrite(account.role)) return <p className="text-sm text-muted">Only admins and writers can change stack settings.</p>;

  return (
    <div className="space-y-8">
      <section aria-labelledby="stack-details">
        <h2 id="stack-details" className="mb-4 text-sm font-semibold">
          Stack details
        </h2>
        {savedAt ? (
          <Alert tone="success" className="mb-4 max-w-2xl">
            Changes saved. They apply to runs started from now on.
          </Alert>
        ) : null}
        <StackForm key={new Date(stack.data.updatedAt).getTime()} stack={stack.data} onSaved={() => setSavedAt(Date.now())} />
      </section>
      <section aria-labelledby="danger-zone" className="max-w-2xl rounded-lg border border-red-600/30 p-4">
        <h2 id="danger-zone" className="text-sm font-semibold text-red-700 dark:text-red-400">
          Delete this stack
        </h2>
        <p className="mt-1 text-sm text-muted">
          Deletes the stack, its runs, logs and environment. Resources it created stay in your cloud account: destroy them first if you need to.
        </p>
        {remove.isError ? <Alert className="mt-3">{errorMessage(remove.error, 'Could not delete the stack. Try again.')}</Alert> : null}
        <Button variant="danger" className="mt-3" onClick={() => setConfirming(true)}>
          Delete stack
        </Button>
      </section>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${stack.data.name}?`}
        confirmLabel="Delete stack"
        pending={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => remove.mutate({ id: stackId })}
      >
        This cannot be undone. Runs, logs and variables of this stack are deleted.
      </ConfirmDialog>
    </div>
  );
}
