import { redirect } from 'next/navigation';
import { sessionUserId } from '@/auth.ts';
import { serverCaller } from '@/server/caller.ts';
import { NoAccount } from '@/components/NoAccount.tsx';

// "/" sends people where they work: their first account's stacks.
export default async function Home() {
  if (!(await sessionUserId())) redirect('/sign-in');
  const me = await (await serverCaller(null)).me.get();
  const first = me.accounts[0];
  if (first) redirect(`/${first.slug}/stacks`);
  return <NoAccount email={me.user.email} />;
}
