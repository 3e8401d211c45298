import type { Metadata } from 'next';
import { NewStack } from '@/components/stacks/NewStack.tsx';

export const metadata: Metadata = { title: 'New stack' };

export default function NewStackPage() {
  return <NewStack />;
}
