'use client';

import { cx, IconCheck, IconChevronDown } from '@gantry/ui';
import Link from 'next/link';
import { useCallback, useId, useRef, useState } from 'react';
import { paths } from '@/lib/paths.ts';
import { useDismiss } from './use-dismiss.ts';

interface AccountItem {
  slug: string;
  name: string;
  role: string;
}

export function AccountSwitcher({ accounts, current }: { accounts: AccountItem[]; current: AccountItem }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  const close = useCallback(() => setOpen(false), []);
  useDismiss(box, open, close, button);
  return (
    <div ref={box} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
        className="flex w-full items-center gap-2 rounded-md border border-line bg-bg px-2 py-1.5 text-left hover:bg-subtle"
      >
        <span className="flex size-5 shrink-0 items-center justify-center rounded bg-accent-solid text-[11px] font-bold text-accent-fg" aria-hidden="true">
          {current.name.charAt(0).toUpperCase()}
        </span>
        <span className="min-w-0 flex-1">
          <span className="sr-only">Account: </span>
          <span className="block truncate text-sm font-medium">{current.name}</span>
        </span>
        <IconChevronDown size={14} className="text-muted" />
      </button>
      {open ? (
        <div id={menuId} className="absolute inset-x-0 top-full z-30 mt-1 rounded-md border border-line bg-surface p-1 shadow-lg">
          <p className="px-2 py-1 text-[11px] font-medium tracking-wide text-muted uppercase">Switch account</p>
          <ul>
            {accounts.map((account) => (
              <li key={account.slug}>
                <Link
                  href={paths.stacks(account.slug)}
                  onClick={close}
                  aria-current={account.slug === current.slug ? 'true' : undefined}
                  className={cx('flex items-center gap-2 rounded px-2 py-1.5 text-sm hover:bg-subtle', account.slug === current.slug && 'font-medium')}
                >
                  <span className="min-w-0 flex-1 truncate">{account.name}</span>
                  <span className="text-[11px] text-muted lowercase">{account.role}</span>
                  {account.slug === current.slug ? <IconCheck size={13} className="text-accent" /> : null}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
