import type { Role } from './account.tsx';

/** The roles, most powerful first, with what each may do (shown in the role pickers). */
export const ROLE_OPTIONS: ReadonlyArray<{ role: Role; label: string; description: string }> = [
  { role: 'ADMIN', label: 'Admin', description: 'Admins manage members, settings and every stack.' },
  { role: 'WRITER', label: 'Writer', description: 'Writers create stacks, trigger and confirm runs.' },
  { role: 'READER', label: 'Reader', description: 'Readers see stacks, runs and logs.' },
];

export function roleLabel(role: Role): string {
  return ROLE_OPTIONS.find((option) => option.role === role)?.label ?? role;
}

/** The page an invitee opens: `/invite/<token>` on the address the admin uses Gantry at. */
export function invitationUrl(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, '')}/invite/${encodeURIComponent(token)}`;
}
