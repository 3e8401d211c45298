import type { ReactNode } from 'react';
import { StackHeader } from '@/components/stacks/StackHeader.tsx';

export default async function StackLayout({ children, params }: { children: ReactNode; params: Promise<{ stackId: string }> }) {
  const { stackId } = await params;
  return (
    <>
      <StackHeader stackId={stackId} />
      <div className="px-6 py-4">{children}</div>
    </>
  );
}
