'use client';

import { Alert, Badge, Button, CheckboxField, ConfirmDialog, EmptyState, IconLock, IconTrash, RelativeTime, TextField } from '@gantry/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { canWrite, useAccount } from '@/lib/account.tsx';
import type { EnvVariable } from '@/lib/api-types.ts';
import { errorMessage, fieldErrorsOf, type FieldErrors } from '@/lib/errors.ts';
import { useTRPC } from '@/lib/trpc.tsx';

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Stack environment: plain values are shown; secrets are write-only and never shown again. */
export function EnvironmentVariables({ stackId }: { stackId: string }) {
  const trpc = useTRPC();
  const account = useAccount();
  const queryClient = useQueryClient();
  const listKey = trpc.env.list.queryKey({ stackId });
  const variables = useQuery(trpc.env.list.queryOptions({ stackId }));
  const formRef = useRef<HTMLFormElement>(null);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [deleting, setDeleting] = useState<EnvVariable | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const writer = canWrite(account.role);

  const set = useMutation(
    trpc.env.set.mutationOptions({
      onSuccess: (_data, input) => {
        formRef.current?.reset(); // the value, secret or not, leaves the page
        setSaved(input.secret ? `Secret ${input.name} saved. Its value is encrypted and will not be shown again.` : `${input.name} saved.`);
        return queryClient.invalidateQueries({ queryKey: listKey });
      },
    }),
  );
  const remove = useMutation(
    trpc.env.delete.mutationOptions({
      // Optimistic: the row disappears at once and comes back if the server refuses.
      onMutate: async ({ id }) => {
        await queryClient.cancelQueries({ queryKey: listKey });
        const previous = queryClient.getQueryData(listKey);
        queryClient.setQueryData(listKey, (old) => old?.filter((v) => v.id !== id));
        setDeleting(null);
        return { previous };
      },
      onError: (_error, _input, context) => {
        if (context?.previous) queryClient.setQueryData(listKey, context.previous);
      },
      onSettled: () => queryClient.invalidateQueries({ queryKey: listKey }),
    }),
  );

  const serverErrors = fieldErrorsOf(set.error);
  const errors = { ...serverErrors, ...clientErrors };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    const value = String(form.get('value') ?? '');
    const secret = form.get('secret') === 'on';
    const invalid: FieldErrors = {};
    if (!NAME_PATTERN.test(name)) invalid.name = ['Use letters, digits and underscores, not starting with a digit (e.g. TF_VAR_region).'];
    setClientErrors(invalid);
    setSaved(null);
    if (Object.keys(invalid).length) return;
    set.mutate({ stackId, name, value, secret });
  }

  const list = variables.data;
  return (
    <div className="space-y-5">
      {variables.isError ? <Alert title="Could not load variables">{errorMessage(variables.error)}</Alert> : null}
      {remove.isError ? <Alert>{errorMessage(remove.error, 'Could not delete the variable. Try again.')}</Alert> : null}
      {list && list.length === 0 ? (
        <EmptyState icon={<IconLock size={20} />} title="No environment variables">
          Variables are set in the run&apos;s environment for every phase. Name them <code className="font-mono">TF_VAR_name</code> to set an input
          variable. Mark credentials as secret: they are encrypted and never shown again.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-line bg-surface">
          <table className="w-full text-sm">
            <caption className="sr-only">Environment variables</caption>
            <thead>
              <tr className="border-b border-line bg-subtle/60 text-left text-xs text-muted">
                <th scope="col" className="px-3 py-2 font-medium">Name</th>
                <th scope="col" className="px-3 py-2 font-medium">Value</th>
                <th scope="col" className="px-3 py-2 font-medium">Updated</th>
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {!list && !variables.isError ? (
                <tr>
                  <td colSpan={4} className="px-3 py-6 text-center text-muted">
                    Loading variables…
                  </td>
                </tr>
              ) : null}
              {list?.map((variable) => (
                <tr key={variable.id} className="border-b border-line last:border-0">
                  <th scope="row" className="px-3 py-2 text-left font-mono text-xs font-medium">
                    {variable.name}
                  </th>
                  <td className="max-w-md px-3 py-2 font-mono text-xs">
                    {variable.secret ? (
                      <span className="inline-flex items-center gap-2">
                        <span aria-label="hidden secret value" className="tracking-widest text-muted">
                          ••••••••
                        </span>
                        <Badge tone="warning">
                          <IconLock size={11} />
                          secret
                        </Badge>
                      </span>
                    ) : (
                      <span className="break-all">{variable.value === '' ? <span className="text-muted italic">(empty)</span> : variable.value}</span>
                    )}
                  </td>
                  <td className="px-3 py-2 text-xs whitespace-nowrap text-muted">
                    <RelativeTime value={variable.updatedAt} />
                  </td>
                  <td className="px-3 py-2 text-right">
                    {writer ? (
                      <Button size="sm" variant="ghost" aria-label={`Delete ${variable.name}`} onClick={() => setDeleting(variable)}>
                        <IconTrash size={13} />
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {writer ? (
        <form ref={formRef} onSubmit={onSubmit} noValidate className="rounded-lg border border-line bg-surface p-4">
          <h2 className="mb-3 text-sm font-semibold">Add a variable</h2>
          {set.isError && Object.keys(serverErrors).length === 0 ? <Alert className="mb-3">{errorMessage(set.error, 'Could not save the variable. Try again.')}</Alert> : null}
          {saved ? (
            <Alert tone="success" className="mb-3">
              {saved}
            </Alert>
          ) : null}
          <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
            <TextField label="Name" name="name" error={errors.name} autoComplete="off" spellCheck={false} className="font-mono" placeholder="TF_VAR_region" />
            <TextField
              label="Value"
              name="value"
              error={errors.value}
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
              hint="Setting an existing name replaces its value."
            />
          </div>
          <div className="mt-4 flex flex-wrap items-end justify-between gap-3">
            <CheckboxField label="Secret" name="secret" hint="Write-only: encrypted at rest, masked in logs, never shown again." />
            <Button type="submit" variant="primary" loading={set.isPending}>
              Save variable
            </Button>
          </div>
        </form>
      ) : null}

      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? 'variable'}?`}
        confirmLabel="Delete variable"
        pending={remove.isPending}
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate({ stackId, id: deleting.id })}
      >
        Runs started after this will not have it in their environment.
      </ConfirmDialog>
    </div>
  );
}
