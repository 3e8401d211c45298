'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
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

/** "Too many attempts, try again in 15 minutes." from the limiter's answer (15 minutes when unknown). */
function tooManyAttemptsMessage(error: CredentialsSignin): string {
  const seconds = Number((error as CredentialsSignin & { retryAfterSeconds?: unknown }).retryAfterSeconds);
  const minutes = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds / 60) : 15;
  return `Too many attempts, try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
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
      if (error instanceof CredentialsSignin && error.code === 'rate_limited') return { error: tooManyAttemptsMessage(error), email };
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

/** Signs out and comes back to a page of this site (an invitation link opened as the wrong user). */
export async function signOutAndReturnAction(form: FormData): Promise<void> {
  await signOut({ redirectTo: safeCallbackUrl(form.get('redirectTo')) });
}
