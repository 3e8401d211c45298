import {
  accountScopeForUser,
  getDefaultCoreServices,
  getMe,
  scopeServices,
  signUp,
  verifyCredentials as verifyCredentialsWith,
  type AccountScope,
  type CoreServices,
  type PublicUser,
  type SignUpInput,
} from '@gantry/core';

/**
 * What procedures get: who is signed in, the account slug from the request, and the few system
 * operations that need no account scope. No database client: account data is only reachable
 * through the scope that accountProcedure resolves.
 */
export interface ApiContext {
  userId: string | null;
  accountSlug: string | null;
  resolveScope(userId: string, accountSlug: string): Promise<AccountScope>;
  signUp(input: SignUpInput): ReturnType<typeof signUp>;
  getMe(userId: string): ReturnType<typeof getMe>;
}

export interface CreateContextInput {
  userId: string | null | undefined;
  accountSlug: string | null | undefined;
}

/** A context factory over explicit services (tests, custom servers). */
export function createContextFactory(services: CoreServices) {
  const scoped = scopeServices(services);
  return async ({ userId, accountSlug }: CreateContextInput): Promise<ApiContext> => ({
    userId: userId || null,
    accountSlug: accountSlug || null,
    resolveScope: (uid, slug) => accountScopeForUser(services.prisma, scoped, uid, slug),
    signUp: (input) => signUp(services.prisma, input),
    getMe: (uid) => getMe(services.prisma, uid),
  });
}

/** The context for the web app's handler, over the process-wide services (built from the environment). */
export function createContext(input: CreateContextInput): Promise<ApiContext> {
  return createContextFactory(getDefaultCoreServices())(input);
}

/** For Auth.js's Credentials provider. */
export function verifyCredentials(email: string, password: string): Promise<PublicUser | null> {
  return verifyCredentialsWith(getDefaultCoreServices().prisma, email, password);
}
