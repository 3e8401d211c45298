'use client';

import { Alert, Badge, EmptyState, RelativeTime } from '@gantry/ui';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useAccount } from '@/lib/account.tsx';
import { errorMessage } from '@/lib/errors.ts';
import { useTRPC } from '@/lib/trpc.tsx';
import { PageHeader } from '../PageHeader.tsx';

const ROLE_TEXT: Record<string, string> = {
  ADMIN: 'Manages members, settings and every stack.',
  WRITER: 'Creates stacks, triggers and confirms runs.',
  READER: 'Sees stacks, runs and logs.',
};

export function AccountSettings() {
  const account = useAccount();
  const trpc = useTRPC();
  const members = useQuery(trpc.members.list.queryOptions());
  return (
    <>
      <PageHeader title="Settings" description={`Account ${account.name} · ${account.slug}`} />
      <div className="max-w-4xl space-y-8 px-6 py-5">
        <Section title="Members and roles" description="Everyone with access to this account and what they may do.">
          {members.isError ? <Alert>{errorMessage(members.error)}</Alert> : null}
          <div className="overflow-x-auto rounded-lg border border-line bg-surface">
            <table className="w-full text-sm">
              <caption className="sr-only">Members</caption>
              <thead>
                <tr className="border-b border-line bg-subtle/60 text-left text-xs text-muted">
                  <th scope="col" className="px-3 py-2 font-medium">Name</th>
                  <th scope="col" className="px-3 py-2 font-medium">Email</th>
                  <th scope="col" className="px-3 py-2 font-medium">Role</th>
                  <th scope="col" className="px-3 py-2 font-medium">Member since</th>
                </tr>
              </thead>
              <tbody>
                {!members.data && !members.isError ? (
                  <tr>
                    <td colSpan={4} className="px-3 py-6 text-center text-muted">
                      Loading members…
                    </td>
                  </tr>
                ) : null}
                {members.data?.map((m) => (
                  <tr key={m.user.id} className="border-b border-line last:border-0">
                    <th scope="row" className="px-3 py-2 text-left font-medium">
                      {m.user.name}
                    </th>
                    <td className="px-3 py-2 text-muted">{m.user.email}</td>
                    <td className="px-3 py-2">
                      <Badge tone={m.role === 'ADMIN' ? 'accent' : 'neutral'} title={ROLE_TEXT[m.role]}>
                        {m.role.toLowerCase()}
                      </Badge>
                    </td>
                    <td className="px-3 py-2 text-xs text-muted">
                      <RelativeTime value={m.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="mt-2 text-xs text-muted">Inviting members is coming soon.</p>
        </Section>
        <Section title="Integrations" description="Connect GitHub and cloud accounts.">
          <EmptyState title="Integrations are coming soon">
            GitHub App (push and pull-request runs, checks), AWS roles with the exact trust policy to paste, GCP and Azure workload identity.
          </EmptyState>
        </Section>
        <Section title="API keys" description="Keys for the API and the Terraform state backend.">
          <EmptyState title="API keys are coming soon" />
        </Section>
        <Section title="Policies" description="Rego policies that gate plans, approvals and triggers.">
          <EmptyState title="Policies are coming soon" />
        </Section>
      </div>
    </>
  );
}

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <h2 className="text-sm font-semibold">{title}</h2>
      <p className="mb-3 text-xs text-muted">{description}</p>
      {children}
    </section>
  );
}
