import { sessionUserId } from '@/auth.ts';
import { appRouter, createContext } from './backend.ts';

/** A server-side API caller acting as the signed-in user, optionally inside an account. */
export async function serverCaller(accountSlug: string | null) {
  const userId = await sessionUserId();
  return appRouter.createCaller(await createContext({ userId, accountSlug }));
}
