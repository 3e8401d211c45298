import { redirect } from 'next/navigation';

export default async function AccountHome({ params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  redirect(`/${account}/stacks`);
}
