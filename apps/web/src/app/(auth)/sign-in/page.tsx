import type { Metadata } from 'next';
import Link from 'next/link';
import { SignInForm } from './SignInForm.tsx';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { callbackUrl } = await searchParams;
  return (
    <>
      <h1 className="text-base font-semibold">Sign in to Gantry</h1>
      <p className="mt-1 text-sm text-muted">Stacks, runs and state for your infrastructure.</p>
      <SignInForm callbackUrl={typeof callbackUrl === 'string' ? callbackUrl : '/'} />
      <p className="mt-5 text-center text-sm text-muted">
        New to Gantry?{' '}
        <Link href="/sign-up" className="font-medium text-accent hover:underline">
          Create an account
        </Link>
      </p>
    </>
  );
}
