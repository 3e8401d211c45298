'use client';

import { Alert, Button, TextField } from '@gantry/ui';
import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrorsOf, type FieldErrors } from '@/lib/errors.ts';
import { publicApi as api } from '@/lib/public-api.ts';
import { signInAction } from '../actions.ts';

// Checked here for instant feedback; the server validates again and its messages win.
function validate(values: Record<string, string>): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.name?.trim()) errors.name = ['Enter your name.'];
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email ?? '')) errors.email = ['Enter a valid email address.'];
  if ((values.password ?? '').length < 8) errors.password = ['Use at least 8 characters.'];
  if (!values.accountName?.trim()) errors.accountName = ['Name the account, e.g. your company or team.'];
  return errors;
}

/** Creates the user and their account (tRPC auth.signUp), then signs in through Auth.js. */
export function SignUpForm() {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values = Object.fromEntries(['name', 'email', 'password', 'accountName'].map((k) => [k, String(form.get(k) ?? '')]));
    const invalid = validate(values);
    setFieldErrors(invalid);
    setError(null);
    if (Object.keys(invalid).length) return;
    setPending(true);
    try {
      const { account } = await api.auth.signUp.mutate({
        name: values.name!.trim(),
        email: values.email!.trim(),
        password: values.password!,
        accountName: values.accountName!.trim(),
      });
      const signIn = new FormData();
      signIn.set('email', values.email!.trim());
      signIn.set('password', values.password!);
      signIn.set('callbackUrl', `/${account.slug}/stacks`);
      const result = await signInAction({}, signIn); // redirects on success
      if (result.error) setError(`Your account was created, but signing in failed: ${result.error}`);
    } catch (e) {
      const fields = fieldErrorsOf(e);
      setFieldErrors(fields);
      setError(Object.keys(fields).length ? null : errorMessage(e, 'Could not create the account. Try again.'));
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="mt-5 space-y-4" noValidate>
      {error ? <Alert>{error}</Alert> : null}
      <TextField label="Your name" name="name" autoComplete="name" required error={fieldErrors.name} autoFocus />
      <TextField label="Email" name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" required error={fieldErrors.password} hint="At least 8 characters." />
      <TextField label="Account name" name="accountName" autoComplete="organization" required error={fieldErrors.accountName} hint="Your company or team. It becomes part of your URLs." />
      <Button type="submit" variant="primary" className="w-full" loading={pending}>
        Create account
      </Button>
    </form>
  );
}
