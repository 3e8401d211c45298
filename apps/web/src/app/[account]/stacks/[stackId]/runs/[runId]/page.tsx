import type { Metadata } from 'next';
import { RunView } from '@/components/runs/RunView.tsx';

export const metadata: Metadata = { title: 'Run' };

export default async function RunPage({ params }: { params: Promise<{ stackId: string; runId: string }> }) {
  const { stackId, runId } = await params;
  return <RunView stackId={stackId} runId={runId} />;
}
