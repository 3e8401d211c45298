import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StacksList } from '@/components/stacks/StacksList.tsx';

export const metadata: Metadata = { title: 'Stacks' };

export default function StacksPage() {
  return (
    <Suspense>
      <StacksList />
    </Suspense>
  );
}
