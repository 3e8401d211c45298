import type { Metadata } from 'next';
import { StackSettings } from '@/components/stacks/StackSettings.tsx';

export const metadata: Metadata = { title: 'Stack settings' };

export default async function StackSettingsPage({ params }: { params: Promise<{ stackId: string }> }) {
  const { stackId } = await params;
  return <StackSettings stackId={stackId} />;
}
