import { RunsList } from '@/components/stacks/RunsList.tsx';

export default async function StackRunsPage({ params }: { params: Promise<{ stackId: string }> }) {
  const { stackId } = await params;
  return <RunsList stackId={stackId} />;
}
