import type { Metadata } from 'next';
import Link from 'next/link';
import { SignUpForm } from './SignUpForm.tsx';

export const metadata: Metadata = { title: 'Create an account' };

export default function SignUpPage() {
  return (
    <>
      <h1 className="text-base font-semibold">Create your Gantry account</h1>
      <p className="mt-1 text-sm text-muted">You will be the admin of a new account; invite your team later.</p>
      <SignUpForm />
      <p className="mt-5 text-center text-sm text-muted">
        Already have an account?{' '}
        <Link href="/sign-in" className="font-medium text-accent hover:underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
