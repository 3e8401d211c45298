'use client';

import { createContext, useContext, type ReactNode } from 'react';

export type Role = 'ADMIN' | 'WRITER' | 'READER';

export interface CurrentAccount {
  slug: string;
  name: string;
  role: Role;
}

const AccountContext = createContext<CurrentAccount | null>(null);

export function AccountProvider({ account, children }: { account: CurrentAccount; children: ReactNode }) {
  return <AccountContext.Provider value={account}>{children}</AccountContext.Provider>;
}

/** The account of the current page (from the URL, checked against the user's memberships). */
export function useAccount(): CurrentAccount {
  const account = useContext(AccountContext);
  if (!account) throw new Error('useAccount must be used inside an account page');
  return account;
}

/** Readers look; writers and admins act. */
export function canWrite(role: Role): boolean {
  return role === 'ADMIN' || role === 'WRITER';
}
