'use client';

import { cx, IconMonitor, IconMoon, IconSun } from '@gantry/ui';
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { signOutAction } from '@/app/(auth)/actions.ts';
import { applyTheme, readThemeChoice, storeThemeChoice, type ThemeChoice } from '@/lib/theme.ts';
import { useDismiss } from './use-dismiss.ts';

const THEMES: { value: ThemeChoice; label: string; icon: ReactNode }[] = [
  { value: 'system', label: 'System', icon: <IconMonitor size={13} /> },
  { value: 'light', label: 'Light', icon: <IconSun size={13} /> },
  { value: 'dark', label: 'Dark', icon: <IconMoon size={13} /> },
];

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?';
}

export function UserMenu({ user, role }: { user: { name: string; email: string }; role: string }) {
  const [open, setOpen] = useState(false);
  const [theme, setTheme] = useState<ThemeChoice>('system');
  const [signingOut, setSigningOut] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  const close = useCallback(() => setOpen(false), []);
  useDismiss(box, open, close, button);

  useEffect(() => setTheme(readThemeChoice()), []);
  // The boot script (theme.ts) follows the OS while the choice is "system", on every page.

  const choose = (choice: ThemeChoice) => {
    setTheme(choice);
    storeThemeChoice(choice);
    applyTheme(choice);
  };

  return (
    <div ref={box} className="relative">
      {open ? (
        <div id={menuId} className="absolute top-full right-0 z-30 mt-1 w-60 rounded-md border border-line bg-surface p-1 shadow-lg md:inset-x-0 md:top-auto md:bottom-full md:mt-0 md:mb-1 md:w-auto">
          <div className="px-2 py-1.5">
            <p className="truncate text-sm font-medium">{user.name}</p>
            <p className="truncate text-xs text-muted">{user.email}</p>
            <p className="mt-0.5 text-[11px] text-muted">Role: {role.toLowerCase()}</p>
          </div>
          <fieldset className="border-t border-line px-2 py-2">
            <legend className="sr-only">Theme</legend>
            <p className="mb-1 text-[11px] font-medium tracking-wide text-muted uppercase" aria-hidden="true">
              Theme
            </p>
            <div className="grid grid-cols-3 gap-1">
              {THEMES.map((t) => (
                <label
                  key={t.value}
                  className={cx(
                    'flex cursor-pointer items-center justify-center gap-1 rounded border px-1 py-1 text-xs has-focus-visible:outline-2 has-focus-visible:outline-accent',
                    theme === t.value ? 'border-accent bg-accent/10 text-fg' : 'border-line text-muted hover:text-fg',
                  )}
                >
                  <input type="radio" name="theme" value={t.value} checked={theme === t.value} onChange={() => choose(t.value)} className="sr-only" />
                  {t.icon}
                  {t.label}
                </label>
              ))}
            </div>
          </fieldset>
          <form action={signOutAction} onSubmit={() => setSigningOut(true)} className="border-t border-line pt-1">
            <button type="submit" disabled={signingOut} className="w-full rounded px-2 py-1.5 text-left text-sm hover:bg-subtle disabled:opacity-60">
              {signingOut ? 'Signing out…' : 'Sign out'}
            </button>
          </form>
        </div>
      ) : null}
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((o) => !o)}
        className="flex items-center gap-2 rounded-md px-1.5 py-1.5 text-left hover:bg-subtle md:w-full"
      >
        <span className="flex size-6 shrink-0 items-center justify-center rounded-full bg-subtle text-[10px] font-semibold ring-1 ring-line" aria-hidden="true">
          {initials(user.name)}
        </span>
        <span className="sr-only">User menu for </span>
        <span className="min-w-0 flex-1 max-md:sr-only">
          <span className="block truncate text-sm font-medium">{user.name}</span>
          <span className="block truncate text-[11px] text-muted">{user.email}</span>
        </span>
      </button>
    </div>
  );
}
