'use client';

import { EmptyState } from '@gantry/ui';
import type { ReactNode } from 'react';
import { useAccount } from '@/lib/account.tsx';
import { PageHeader } from '../PageHeader.tsx';
import { Members } from './Members.tsx';

export function AccountSettings() {
  const account = useAccount();
  return (
    <>
      <PageHeader title="Settings" description={`Account ${account.name} · ${account.slug}`} />
      <div className="max-w-4xl space-y-8 px-6 py-5">
        <Section title="Members and roles" description="Everyone with access to this account and what they may do.">
          <Members />
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
