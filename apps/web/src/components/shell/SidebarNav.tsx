'use client';

import { cx, IconLayers, IconSettings } from '@gantry/ui';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { paths } from '@/lib/paths.ts';

export function SidebarNav({ accountSlug }: { accountSlug: string }) {
  const pathname = usePathname();
  const items = [
    { href: paths.stacks(accountSlug), label: 'Stacks', icon: <IconLayers size={15} /> },
    { href: paths.settings(accountSlug), label: 'Settings', icon: <IconSettings size={15} /> },
  ];
  return (
    <nav aria-label="Main" className="px-2.5">
      <ul className="flex gap-0.5 md:flex-col">
        {items.map((item) => {
          const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={active ? 'page' : undefined}
                className={cx(
                  'flex items-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium',
                  active ? 'bg-subtle text-fg' : 'text-muted hover:bg-subtle hover:text-fg',
                )}
              >
                {item.icon}
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
