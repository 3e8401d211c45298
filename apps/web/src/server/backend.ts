// The one place the web app binds to the backend packages (API router, context, credentials).
// Everything else imports from here, so swapping the implementation touches one file.
import { getDefaultCoreServices, verifyCredentials as verifyWithCore } from '@gantry/core';

export { appRouter, createContext, type AppRouter } from './provisional-api.ts';

/** The user with this email and password, or null. */
export function verifyCredentials(email: string, password: string) {
  return verifyWithCore(getDefaultCoreServices().prisma, email, password);
}
