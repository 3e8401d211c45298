'use client';

import { Alert, Button, CheckboxField, SelectField, TextAreaField, TextField } from '@gantry/ui';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { StackDetail, StackInput } from '@/lib/api-types.ts';
import { errorMessage, fieldErrorsOf, type FieldErrors } from '@/lib/errors.ts';
import { parseLabels } from '@/lib/stacks.ts';
import { useTRPC } from '@/lib/trpc.tsx';

function readForm(form: HTMLFormElement): StackInput {
  const data = new FormData(form);
  const text = (key: string) => String(data.get(key) ?? '').trim();
  const vendorVersion = text('vendorVersion');
  return {
    name: text('name'),
    description: text('description'),
    labels: parseLabels(text('labels')),
    repositoryUrl: text('repositoryUrl'),
    branch: text('branch'),
    projectRoot: text('projectRoot'),
    vendor: text('vendor') === 'TERRAFORM' ? 'TERRAFORM' : 'OPENTOFU',
    // null clears a version set before (an absent field would leave it unchanged on update).
    vendorVersion: vendorVersion || null,
    autodeploy: data.get('autodeploy') === 'on',
  };
}

// Instant checks for empty required fields; everything else (formats, duplicates) is the server's call.
function requiredMissing(input: StackInput): FieldErrors {
  const errors: FieldErrors = {};
  if (!input.name) errors.name = ['Give the stack a name.'];
  if (!input.repositoryUrl) errors.repositoryUrl = ['Enter the Git repository URL.'];
  if (!input.branch) errors.branch = ['Enter the branch to track, e.g. main.'];
  return errors;
}

/** Create or edit a stack. Server validation errors appear next to their field. */
export function StackForm({ stack, onSaved, onCancel }: { stack?: StackDetail; onSaved: (stack: { id: string }) => void; onCancel?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const create = useMutation(trpc.stacks.create.mutationOptions());
  const update = useMutation(trpc.stacks.update.mutationOptions());
  const mutation = stack ? update : create;
  const serverErrors = fieldErrorsOf(mutation.error);
  const errors = { ...serverErrors, ...clientErrors };
  const formRef = useRef<HTMLFormElement>(null);
  const errorKey = Object.keys(errors).sort().join(',');
  // Take the keyboard (and screen reader) to the first field that needs attention.
  useEffect(() => {
    if (errorKey) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errorKey, mutation.error]);
  const generalError = mutation.error && Object.keys(serverErrors).length === 0 ? errorMessage(mutation.error, 'Could not save the stack. Try again.') : null;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = readForm(event.currentTarget);
    const missing = requiredMissing(input);
    setClientErrors(missing);
    if (Object.keys(missing).length) return;
    try {
      const saved = stack ? await update.mutateAsync({ id: stack.id, ...input }) : await create.mutateAsync(input);
      await queryClient.invalidateQueries({ queryKey: trpc.stacks.pathKey() });
      onSaved(saved);
    } catch {
      // Shown from mutation.error.
    }
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="max-w-2xl space-y-5">
      {generalError ? <Alert>{generalError}</Alert> : null}
      <section className="space-y-4">
        <TextField label="Name" name="name" defaultValue={stack?.name} required error={errors.name} autoComplete="off" hint="Unique in this account." />
        <TextAreaField label="Description" name="description" optional defaultValue={stack?.description ?? ''} error={errors.description} rows={2} />
        <TextField
          label="Labels"
          name="labels"
          optional
          defaultValue={stack?.labels.join(', ')}
          error={errors.labels}
          hint="Comma-separated, e.g. env:prod, team:infra. Used to filter and to select policies."
          autoComplete="off"
        />
      </section>
      <fieldset className="space-y-4 border-t border-line pt-5">
        <legend className="mb-3 text-sm font-semibold">Source code</legend>
        <TextField
          label="Repository URL"
          name="repositoryUrl"
          defaultValue={stack?.repositoryUrl}
          required
          error={errors.repositoryUrl}
          placeholder="https://github.com/acme/infra.git"
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Branch" name="branch" defaultValue={stack?.branch ?? 'main'} required error={errors.branch} autoComplete="off" spellCheck={false} className="font-mono" />
          <TextField
            label="Project root"
            name="projectRoot"
            optional
            defaultValue={stack?.projectRoot ?? ''}
            error={errors.projectRoot}
            hint="Folder with the configuration; empty for the repository root."
            placeholder="envs/prod"
            autoComplete="off"
            spellCheck={false}
            className="font-mono"
          />
        </div>
      </fieldset>
      <fieldset className="space-y-4 border-t border-line pt-5">
        <legend className="mb-3 text-sm font-semibold">Behaviour</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="Vendor" name="vendor" defaultValue={stack?.vendor ?? 'OPENTOFU'} error={errors.vendor}>
            <option value="OPENTOFU">OpenTofu</option>
            <option value="TERRAFORM">Terraform</option>
          </SelectField>
          <TextField
            label="Vendor version"
            name="vendorVersion"
            optional
            defaultValue={stack?.vendorVersion ?? ''}
            error={errors.vendorVersion}
            hint="Empty for the version installed on the workers."
            placeholder="1.6.2"
            autoComplete="off"
            className="font-mono"
          />
        </div>
        <CheckboxField
          label="Autodeploy"
          name="autodeploy"
          defaultChecked={stack?.autodeploy ?? false}
          error={errors.autodeploy}
          hint="Apply plans without waiting for a confirmation."
        />
      </fieldset>
      <div className="flex gap-2 border-t border-line pt-5">
        <Button type="submit" variant="primary" loading={mutation.isPending}>
          {stack ? 'Save changes' : 'Create stack'}
        </Button>
        {onCancel ? (
          <Button onClick={onCancel} disabled={mutation.isPending}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
