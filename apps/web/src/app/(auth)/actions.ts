'use server';

import { AuthError } from 'next-auth';
import { signIn, signOut } from '@/auth.ts';

export interface SignInState {
  error?: string;
  email?: string;
}

/** Only same-site paths: an open redirect after sign-in would be a phishing aid. */
function safeCallbackUrl(value: FormDataEntryValue | null): string {
  const url = typeof value === 'string' ? value : '';
  return url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') ? url : '/';
}

export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (!email || !password) return { error: 'Enter your email and password.', email };
  try {
    // Redirects (throws NEXT_REDIRECT) on success.
    await signIn('credentials', { email, password, redirectTo: safeCallbackUrl(form.get('callbackUrl')) });
  } catch (error) {
    if (error instanceof AuthError) {
      if (error.type === 'CredentialsSignin') return { error: 'Email or password is incorrect. Check both and try again.', email };
      return { error: 'Signing in failed on the server. Try again; if it keeps failing, check the server logs.', email };
    }
    throw error;
  }
  return {};
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/sign-in' });
}
