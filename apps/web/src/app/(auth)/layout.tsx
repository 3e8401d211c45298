import type { ReactNode } from 'react';
import { IconLogo } from '@gantry/ui';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="mb-6 flex items-center gap-2 text-fg">
        <IconLogo size={22} className="text-accent" />
        <span className="text-lg font-semibold tracking-tight">Gantry</span>
      </div>
      <div className="w-full max-w-sm rounded-xl border border-line bg-surface p-6 shadow-sm">{children}</div>
    </main>
  );
}
