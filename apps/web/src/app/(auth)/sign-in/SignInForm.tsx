'use client';

import { Alert, Button, TextField } from '@gantry/ui';
import { useActionState } from 'react';
import { signInAction, type SignInState } from '../actions.ts';

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="mt-5 space-y-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {state.error ? <Alert>{state.error}</Alert> : null}
      <TextField label="Email" name="email" type="email" autoComplete="email" required defaultValue={state.email} autoFocus />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <Button type="submit" variant="primary" className="w-full" loading={pending}>
        Sign in
      </Button>
    </form>
  );
}
