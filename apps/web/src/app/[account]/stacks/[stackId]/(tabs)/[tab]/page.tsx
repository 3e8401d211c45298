import { EmptyState } from '@gantry/ui';
import { notFound } from 'next/navigation';

// Tabs users expect from Spacelift that Gantry does not have yet: say so, and what they will do.
const COMING_SOON: Record<string, { title: string; text: string }> = {
  tasks: { title: 'Tasks are coming soon', text: 'Run one-off commands (like `tofu state mv`) against this stack with its environment and credentials.' },
  policies: { title: 'Policies are coming soon', text: 'Attach Rego policies that decide whether a plan may be applied, who must approve it and what triggers runs.' },
  integrations: { title: 'Integrations are coming soon', text: 'Attach cloud credentials (AWS roles, GCP and Azure workload identity) that runs receive automatically.' },
  state: { title: 'State browsing is coming soon', text: 'See the state versions Gantry keeps for this stack, their resources and outputs.' },
};

export default async function ComingSoonTab({ params }: { params: Promise<{ tab: string }> }) {
  const { tab } = await params;
  const page = COMING_SOON[tab];
  if (!page) notFound();
  return (
    <EmptyState title={page.title}>
      <p>{page.text}</p>
    </EmptyState>
  );
}
