import type { Metadata } from 'next';
import { EnvironmentVariables } from '@/components/stacks/EnvironmentVariables.tsx';

export const metadata: Metadata = { title: 'Environment' };

export default async function StackEnvironmentPage({ params }: { params: Promise<{ stackId: string }> }) {
  const { stackId } = await params;
  return <EnvironmentVariables stackId={stackId} />;
}
