'use client';

import { createContext, useContext, type ReactNode } from 'react';

export type Role = 'ADMIN' | 'WRITER' | 'READER';

export interface CurrentAccount {
  slug: string;
  name: string;
  role: Role;
}

/** The signed-in user. */
export interface Viewer {
  id: string;
  name: string;
  email: string;
}

const AccountContext = createContext<CurrentAccount | null>(null);
const ViewerContext = createContext<Viewer | null>(null);

export function AccountProvider({ account, viewer, children }: { account: CurrentAccount; viewer: Viewer; children: ReactNode }) {
  return (
    <AccountContext.Provider value={account}>
      <ViewerContext.Provider value={viewer}>{children}</ViewerContext.Provider>
    </AccountContext.Provider>
  );
}

/** The signed-in user (inside an account page). */
export function useViewer(): Viewer {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error('useViewer must be used inside an account page');
  return viewer;
}

/** The account of the current page (from the URL, checked against the user's memberships). */
export function useAccount(): CurrentAccount {
  const account = useContext(AccountContext);
  if (!account) throw new Error('useAccount must be used inside an account page');
  return account;
}

/** Admins manage members and delete stacks. */
export function isAdmin(role: Role): boolean {
  return role === 'ADMIN';
}

/** Readers look; writers and admins act. */
export function canWrite(role: Role): boolean {
  return role === 'ADMIN' || role === 'WRITER';
}
