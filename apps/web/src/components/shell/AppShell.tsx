import { IconLogo } from '@gantry/ui';
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Role } from '@/lib/account.tsx';
import { paths } from '@/lib/paths.ts';
import { AccountSwitcher } from './AccountSwitcher.tsx';
import { SidebarNav } from './SidebarNav.tsx';
import { UserMenu } from './UserMenu.tsx';

interface AccountItem {
  slug: string;
  name: string;
  role: Role;
}

/** Sidebar (account, navigation, user) and the page. Collapses to a top bar on narrow screens. */
export function AppShell({
  user,
  accounts,
  current,
  children,
}: {
  user: { name: string; email: string };
  accounts: AccountItem[];
  current: AccountItem;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="flex shrink-0 flex-col border-b border-line bg-surface md:sticky md:top-0 md:h-screen md:w-56 md:border-r md:border-b-0">
        <div className="flex items-center gap-2 px-4 pt-3.5 pb-2">
          <Link href={paths.stacks(current.slug)} className="flex items-center gap-2 font-semibold tracking-tight">
            <IconLogo size={18} className="text-accent" />
            Gantry
          </Link>
        </div>
        <div className="px-2.5 pb-2">
          <AccountSwitcher accounts={accounts} current={current} />
        </div>
        <SidebarNav accountSlug={current.slug} />
        <div className="mt-auto border-t border-line p-2.5">
          <UserMenu user={user} role={current.role} />
        </div>
      </aside>
      <main className="min-w-0 flex-1">{children}</main>
    </div>
  );
}
