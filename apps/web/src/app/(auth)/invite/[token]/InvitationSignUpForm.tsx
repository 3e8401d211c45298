'use client';

import { Alert, Button, TextField } from '@gantry/ui';
import { useState, type FormEvent } from 'react';
import { errorMessage, fieldErrorsOf, type FieldErrors } from '@/lib/errors.ts';
import { publicApi } from '@/lib/public-api.ts';
import { signInAction } from '../../actions.ts';

/** A new user with the invited email joins the account (no account of their own), then signs in. */
export function InvitationSignUpForm({ token, email }: { token: string; email: string }) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const invalid: FieldErrors = {};
    if (!name) invalid.name = ['Enter your name.'];
    if (password.length < 8) invalid.password = ['Use at least 8 characters.'];
    setFieldErrors(invalid);
    setError(null);
    if (Object.keys(invalid).length) return;
    setPending(true);
    try {
      const joined = await publicApi.invitations.signUp.mutate({ token, name, password });
      const signIn = new FormData();
      signIn.set('email', email);
      signIn.set('password', password);
      signIn.set('callbackUrl', `/${joined.account.slug}/stacks`);
      const result = await signInAction({}, signIn); // redirects on success
      if (result.error) setError(`You joined ${joined.account.name}, but signing in failed: ${result.error}`);
    } catch (e) {
      const fields = fieldErrorsOf(e);
      setFieldErrors(fields);
      setError(Object.keys(fields).length ? null : errorMessage(e, 'Could not create your user. Try again.'));
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="mt-5 space-y-4" noValidate>
      {error ? <Alert>{error}</Alert> : null}
      <TextField label="Email" name="email" type="email" value={email} readOnly hint="The invitation is for this email." />
      <TextField label="Your name" name="name" autoComplete="name" required error={fieldErrors.name} autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" required error={fieldErrors.password} hint="At least 8 characters." />
      <Button type="submit" variant="primary" className="w-full" loading={pending}>
        Create user and join
      </Button>
    </form>
  );
}
