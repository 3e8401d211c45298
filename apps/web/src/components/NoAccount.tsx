import { Button } from '@gantry/ui';
import { signOutAction } from '@/app/(auth)/actions.ts';

/** A signed-in user who belongs to no account (removed from their last one). */
export function NoAccount({ email }: { email: string }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-sm text-center">
        <h1 className="text-base font-semibold">You are not a member of any account</h1>
        <p className="mt-2 text-sm text-muted">
          You are signed in as {email}. Ask an account admin to invite you, or sign out and create a new account.
        </p>
        <form action={signOutAction} className="mt-5">
          <Button type="submit">Sign out</Button>
        </form>
      </div>
    </main>
  );
}
