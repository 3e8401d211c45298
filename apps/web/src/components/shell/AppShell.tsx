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
      {/* Narrow: one row (logo, account, user) above the navigation. Wide: a sidebar. */}
      <aside className="grid shrink-0 grid-cols-[auto_minmax(0,1fr)_auto] items-center gap-x-1 border-b border-line bg-surface pb-1.5 md:sticky md:top-0 md:flex md:h-screen md:w-56 md:flex-col md:items-stretch md:border-r md:border-b-0 md:pb-0">
        <div className="flex items-center gap-2 px-3 py-2 md:px-4 md:pt-3.5 md:pb-2">
          <Link href={paths.stacks(current.slug)} className="flex items-center gap-2 rounded font-semibold tracking-tight">
            <IconLogo size={18} className="text-accent" />
            <span className="max-sm:sr-only">Gantry</span>
          </Link>
        </div>
        <div className="min-w-0 py-1.5 md:px-2.5 md:pt-0 md:pb-2">
          <AccountSwitcher accounts={accounts} current={current} />
        </div>
        <div className="col-span-3 row-start-2">
          <SidebarNav accountSlug={current.slug} />
        </div>
        <div className="col-start-3 row-start-1 px-2 md:mt-auto md:border-t md:border-line md:p-2.5">
          <UserMenu user={user} role={current.role} />
        </div>
      </aside>
      <main className="min-w-0 flex-1">{children}</main>
    </div>
  );
}
