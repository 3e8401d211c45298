'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useAccount } from '@/lib/account.tsx';
import { paths } from '@/lib/paths.ts';
import { PageHeader } from '../PageHeader.tsx';
import { StackForm } from './StackForm.tsx';

export function NewStack() {
  const account = useAccount();
  const router = useRouter();
  return (
    <>
      <PageHeader
        title="New stack"
        description="Connect a repository folder with an OpenTofu or Terraform configuration."
        breadcrumb={
          <Link href={paths.stacks(account.slug)} className="hover:text-fg hover:underline">
            Stacks
          </Link>
        }
      />
      <div className="px-6 py-5">
        <StackForm onSaved={(stack) => router.push(paths.stack(account.slug, stack.id))} onCancel={() => router.push(paths.stacks(account.slug))} />
      </div>
    </>
  );
}
