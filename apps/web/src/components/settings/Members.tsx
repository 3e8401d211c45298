'use client';

import { Alert, Badge, Button, ConfirmDialog, CopyButton, formatExactTime, IconTrash, RelativeTime, SelectField, TextField } from '@gantry/ui';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { isAdmin, useAccount, useViewer, type Role } from '@/lib/account.tsx';
import type { Invitation, Member } from '@/lib/api-types.ts';
import { errorMessage, fieldErrorsOf, type FieldErrors } from '@/lib/errors.ts';
import { invitationUrl, ROLE_OPTIONS, roleLabel } from '@/lib/members.ts';
import { useTRPC } from '@/lib/trpc.tsx';

/**
 * Members and roles: everyone sees who is in the account; admins add members by email (a one-time
 * invitation link to share: people join only by accepting it), change roles and remove members.
 */
export function Members() {
  const account = useAccount();
  const trpc = useTRPC();
  const members = useQuery(trpc.members.list.queryOptions());
  const invitations = useQuery(trpc.invitations.list.queryOptions());
  const admin = isAdmin(account.role);
  return (
    <div className="space-y-4">
      {admin ? <AddMember /> : null}
      {members.isError ? <Alert title="Could not load the members">{errorMessage(members.error)}</Alert> : null}
      <MembersTable members={members.data} loading={!members.data && !members.isError} admin={admin} />
      {invitations.isError ? <Alert title="Could not load the invitations">{errorMessage(invitations.error)}</Alert> : null}
      {invitations.data && invitations.data.length > 0 ? <InvitationsTable invitations={invitations.data} admin={admin} /> : null}
      {!admin ? <p className="text-xs text-muted">Only admins add members and change roles. Ask an admin of {account.name}.</p> : null}
    </div>
  );
}

type Added = { email: string; role: Role; url: string; expiresAt: Date };

function AddMember() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [added, setAdded] = useState<Added | null>(null);
  const [role, setRole] = useState<Role>('READER');
  const add = useMutation(
    trpc.members.add.mutationOptions({
      onSuccess: (result) => {
        formRef.current?.reset();
        setAdded({ email: result.invitation.email, role: result.invitation.role, url: invitationUrl(window.location.origin, result.token), expiresAt: result.invitation.expiresAt });
        return queryClient.invalidateQueries({ queryKey: trpc.invitations.list.queryKey() });
      },
    }),
  );
  const serverErrors = fieldErrorsOf(add.error);
  const errors = { ...serverErrors, ...clientErrors };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const invalid: FieldErrors = {};
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) invalid.email = ['Enter the email address of the person to add.'];
    setClientErrors(invalid);
    setAdded(null);
    if (Object.keys(invalid).length) return;
    add.mutate({ email, role });
  }

  return (
    <div className="space-y-3">
      <form ref={formRef} onSubmit={onSubmit} noValidate className="rounded-lg border border-line bg-surface p-4" aria-labelledby="add-member-title">
        <h3 id="add-member-title" className="mb-3 text-sm font-semibold">
          Add a member
        </h3>
        {add.isError && Object.keys(serverErrors).length === 0 ? <Alert className="mb-3">{errorMessage(add.error, 'Could not add the member. Try again.')}</Alert> : null}
        <div className="grid items-start gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_auto]">
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            spellCheck={false}
            error={errors.email}
            hint="They get an invitation link: they join by signing in (or signing up) with this email."
          />
          <SelectField
            label="Role"
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            error={errors.role}
            hint={ROLE_OPTIONS.find((r) => r.role === role)?.description}
          >
            {ROLE_OPTIONS.map((option) => (
              <option key={option.role} value={option.role}>
                {option.label}
              </option>
            ))}
          </SelectField>
          <Button type="submit" variant="primary" loading={add.isPending} className="sm:mt-6">
            Add member
          </Button>
        </div>
      </form>
      {added ? <InvitationLink {...added} onDone={() => setAdded(null)} /> : null}
    </div>
  );
}

/** The one time the link is shown: Gantry sends no email, so the admin copies it and sends it. */
function InvitationLink({ email, role, url, expiresAt, onDone }: { email: string; role: Role; url: string; expiresAt: Date; onDone: () => void }) {
  return (
    <section aria-label="New invitation" className="rounded-lg border border-emerald-600/30 bg-emerald-500/5 p-4 text-sm">
      <p className="font-medium">
        {email} was invited as {roleLabel(role).toLowerCase()}.
      </p>
      <p className="mt-1 text-muted">
        Copy this link now and send it to them yourself: Gantry sends no email, and the link is shown only once. With it, {email} signs in (or signs up)
        and joins, once, until <time dateTime={new Date(expiresAt).toISOString()}>{formatExactTime(expiresAt)}</time>; nobody joins without accepting.
      </p>
      <div className="mt-3 flex items-end gap-2">
        <TextField
          label="Invitation link"
          value={url}
          readOnly
          spellCheck={false}
          className="font-mono text-xs"
          fieldClassName="min-w-0 flex-1"
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton value={url} label="Copy link" showLabel className="h-8 border border-line bg-surface px-2.5 text-sm font-medium text-fg" />
      </div>
      <div className="mt-3 flex justify-end">
        <Button size="sm" onClick={onDone}>
          Done
        </Button>
      </div>
    </section>
  );
}

function MembersTable({ members, loading, admin }: { members: Member[] | undefined; loading: boolean; admin: boolean }) {
  const account = useAccount();
  const viewer = useViewer();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const listKey = trpc.members.list.queryKey();
  const [removing, setRemoving] = useState<Member | null>(null);
  const [demotingSelf, setDemotingSelf] = useState<Role | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const updateRole = useMutation(
    trpc.members.updateRole.mutationOptions({
      onMutate: async ({ userId, role }) => {
        setError(null);
        setSaved(null);
        setDemotingSelf(null);
        await queryClient.cancelQueries({ queryKey: listKey });
        const previous = queryClient.getQueryData(listKey);
        queryClient.setQueryData(listKey, (old) => old?.map((m) => (m.user.id === userId ? { ...m, role } : m)));
        return { previous };
      },
      onError: (e, _input, context) => {
        if (context?.previous) queryClient.setQueryData(listKey, context.previous);
        setError(errorMessage(e, 'Could not change the role. Try again.'));
      },
      onSuccess: (member, { userId }) => {
        setSaved(`${userId === viewer.id ? 'You are' : `${member.user.name} is`} now ${roleLabel(member.role).toLowerCase()}.`);
        // My own role changed: what this page may show changed with it.
        if (userId === viewer.id) router.refresh();
      },
      onSettled: () => queryClient.invalidateQueries({ queryKey: listKey }),
    }),
  );
  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onMutate: () => {
        setError(null);
        setSaved(null);
      },
      onSuccess: ({ userId }) => {
        setRemoving(null);
        if (userId === viewer.id) {
          router.push('/');
          router.refresh();
          return;
        }
        return queryClient.invalidateQueries({ queryKey: listKey });
      },
      onError: (e) => {
        setRemoving(null);
        setError(errorMessage(e, 'Could not remove the member. Try again.'));
      },
    }),
  );

  return (
    <>
      {error ? <Alert>{error}</Alert> : null}
      {saved ? <Alert tone="success">{saved}</Alert> : null}
      <div className="overflow-x-auto rounded-lg border border-line bg-surface">
        <table className="w-full text-sm">
          <caption className="sr-only">Members</caption>
          <thead>
            <tr className="border-b border-line bg-subtle/60 text-left text-xs text-muted">
              <th scope="col" className="px-3 py-2 font-medium">Name</th>
              <th scope="col" className="px-3 py-2 font-medium">Email</th>
              <th scope="col" className="px-3 py-2 font-medium">Role</th>
              <th scope="col" className="px-3 py-2 font-medium">Joined</th>
              {admin ? (
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {loading ? (
              <tr>
                <td colSpan={admin ? 5 : 4} className="px-3 py-6 text-center text-muted">
                  Loading members…
                </td>
              </tr>
            ) : null}
            {members?.map((m) => {
              const self = m.user.id === viewer.id;
              return (
                <tr key={m.user.id} className="border-b border-line last:border-0">
                  <th scope="row" className="px-3 py-2 text-left font-medium">
                    {m.user.name}
                    {self ? <span className="ml-1.5 text-xs font-normal text-muted">(you)</span> : null}
                  </th>
                  <td className="px-3 py-2 text-muted">{m.user.email}</td>
                  <td className="px-3 py-2">
                    {admin ? (
                      <select
                        aria-label={`Role of ${m.user.name}`}
                        value={m.role}
                        disabled={updateRole.isPending && updateRole.variables?.userId === m.user.id}
                        onChange={(e) => {
                          const role = e.target.value as Role;
                          if (self && m.role === 'ADMIN' && role !== 'ADMIN') setDemotingSelf(role);
                          else updateRole.mutate({ userId: m.user.id, role });
                        }}
                        className="h-7 rounded-md border border-line bg-surface px-1.5 text-xs"
                      >
                        {ROLE_OPTIONS.map((option) => (
                          <option key={option.role} value={option.role}>
                            {option.label}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <Badge tone={m.role === 'ADMIN' ? 'accent' : 'neutral'} title={ROLE_OPTIONS.find((r) => r.role === m.role)?.description}>
                        {m.role.toLowerCase()}
                      </Badge>
                    )}
                  </td>
                  <td className="px-3 py-2 text-xs whitespace-nowrap text-muted">
                    <RelativeTime value={m.createdAt} />
                  </td>
                  {admin ? (
                    <td className="px-3 py-2 text-right">
                      <Button size="sm" variant="ghost" aria-label={self ? 'Leave the account' : `Remove ${m.user.name}`} onClick={() => setRemoving(m)}>
                        <IconTrash size={13} />
                      </Button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <ConfirmDialog
        open={removing !== null}
        title={removing?.user.id === viewer.id ? `Leave ${account.name}?` : `Remove ${removing?.user.name ?? 'member'}?`}
        confirmLabel={removing?.user.id === viewer.id ? 'Leave account' : 'Remove member'}
        pending={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate({ userId: removing.user.id })}
      >
        {removing?.user.id === viewer.id
          ? `You lose access to ${account.name} at once; an admin can add you again.`
          : `${removing?.user.name ?? 'The member'} loses access to ${account.name} at once. Their runs and the history stay.`}
      </ConfirmDialog>
      <ConfirmDialog
        open={demotingSelf !== null}
        title="Give up your admin role?"
        confirmLabel={`Become ${demotingSelf ? roleLabel(demotingSelf).toLowerCase() : ''}`}
        confirmVariant="primary"
        pending={updateRole.isPending}
        onCancel={() => setDemotingSelf(null)}
        onConfirm={() => demotingSelf && updateRole.mutate({ userId: viewer.id, role: demotingSelf })}
      >
        You will no longer manage members or delete stacks in {account.name}. Another admin can make you an admin again.
      </ConfirmDialog>
    </>
  );
}

function InvitationsTable({ invitations, admin }: { invitations: Invitation[]; admin: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listKey = trpc.invitations.list.queryKey();
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const revoke = useMutation(
    trpc.invitations.revoke.mutationOptions({
      onSuccess: () => {
        setRevoking(null);
        return queryClient.invalidateQueries({ queryKey: listKey });
      },
      onError: () => setRevoking(null),
    }),
  );
  return (
    <section aria-labelledby="invitations-title" className="space-y-2">
      <h3 id="invitations-title" className="text-sm font-semibold">
        Pending invitations
      </h3>
      {revoke.isError ? <Alert>{errorMessage(revoke.error, 'Could not revoke the invitation. Try again.')}</Alert> : null}
      <div className="overflow-x-auto rounded-lg border border-line bg-surface">
        <table className="w-full text-sm">
          <caption className="sr-only">Pending invitations</caption>
          <thead>
            <tr className="border-b border-line bg-subtle/60 text-left text-xs text-muted">
              <th scope="col" className="px-3 py-2 font-medium">Email</th>
              <th scope="col" className="px-3 py-2 font-medium">Role</th>
              <th scope="col" className="px-3 py-2 font-medium">Invited by</th>
              <th scope="col" className="px-3 py-2 font-medium">Link</th>
              {admin ? (
                <th scope="col" className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id} className="border-b border-line last:border-0">
                <th scope="row" className="px-3 py-2 text-left font-medium">
                  {invitation.email}
                </th>
                <td className="px-3 py-2">
                  <Badge tone="neutral">{invitation.role.toLowerCase()}</Badge>
                </td>
                <td className="px-3 py-2 text-xs text-muted">
                  {invitation.invitedBy?.name ?? '—'} · <RelativeTime value={invitation.createdAt} />
                </td>
                <td className="px-3 py-2 text-xs whitespace-nowrap">
                  {invitation.expired ? (
                    <Badge tone="warning" title={`Expired ${formatExactTime(invitation.expiresAt)}`}>
                      expired
                    </Badge>
                  ) : (
                    <span className="text-muted">
                      expires <RelativeTime value={invitation.expiresAt} />
                    </span>
                  )}
                </td>
                {admin ? (
                  <td className="px-3 py-2 text-right">
                    <Button size="sm" variant="ghost" onClick={() => setRevoking(invitation)}>
                      {invitation.expired ? 'Remove' : 'Revoke'}
                      <span className="sr-only"> the invitation for {invitation.email}</span>
                    </Button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {admin ? <p className="text-xs text-muted">Links are shown only when made. To send a new link, add the email again: the old link stops working.</p> : null}
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke the invitation for ${revoking?.email ?? ''}?`}
        confirmLabel="Revoke invitation"
        pending={revoke.isPending}
        onCancel={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
      >
        The link stops working at once. You can invite the email again later.
      </ConfirmDialog>
    </section>
  );
}
