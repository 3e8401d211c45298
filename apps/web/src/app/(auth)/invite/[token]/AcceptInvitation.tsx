'use client';

import { Alert, Button } from '@gantry/ui';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { errorMessage } from '@/lib/errors.ts';
import { publicApi } from '@/lib/public-api.ts';

/** The signed-in invitee joins the account, then lands on its stacks. */
export function AcceptInvitation({ token, accountName, role }: { token: string; accountName: string; role: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function accept() {
    setPending(true);
    setError(null);
    try {
      const joined = await publicApi.invitations.accept.mutate({ token });
      router.push(`/${joined.account.slug}/stacks`);
      router.refresh();
    } catch (e) {
      setError(errorMessage(e, 'Could not join. Try again.'));
      setPending(false);
    }
  }
  return (
    <div className="mt-5 space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      <Button variant="primary" className="w-full" loading={pending} onClick={accept}>
        Join {accountName} as {role}
      </Button>
    </div>
  );
}
