import {
  acceptInvitation,
  accountScopeForUser,
  createUserDirectory,
  getDefaultCoreServices,
  getMe,
  lookupInvitation,
  rateLimiterFor,
  scopeServices,
  signUp,
  signUpWithInvitation,
  verifyCredentials as verifyCredentialsWith,
  type AccountScope,
  type CoreServices,
  type PublicUser,
  type SignUpInput,
  type UserDirectory,
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
  /** Whether a user has an email (adding a member); the one cross-account lookup procedures get. */
  directory: UserDirectory;
  /** Invitation links: the token names the account, so these are not account-scoped. */
  invitations: {
    lookup(token: string): ReturnType<typeof lookupInvitation>;
    accept(userId: string, token: string): ReturnType<typeof acceptInvitation>;
    signUp(input: Parameters<typeof signUpWithInvitation>[1]): ReturnType<typeof signUpWithInvitation>;
  };
}

export interface CreateContextInput {
  userId: string | null | undefined;
  accountSlug: string | null | undefined;
  /**
   * The client's address as the web app sees it (the first x-forwarded-for hop behind a trusted
   * proxy). Sign-ups (also through invitation links) are limited per address when it is given.
   */
  clientIp?: string | null | undefined;
}

/** A context factory over explicit services (tests, custom servers). */
export function createContextFactory(services: CoreServices) {
  const scoped = scopeServices(services);
  const limiter = rateLimiterFor(services);
  return async ({ userId, accountSlug, clientIp }: CreateContextInput): Promise<ApiContext> => ({
    userId: userId || null,
    accountSlug: accountSlug || null,
    resolveScope: (uid, slug) => accountScopeForUser(services.prisma, scoped, uid, slug),
    signUp: (input) => signUp(services.prisma, input, { limiter, clientIp: clientIp || null }),
    getMe: (uid) => getMe(services.prisma, uid),
    directory: createUserDirectory(services.prisma),
    invitations: {
      lookup: (token) => lookupInvitation(services.prisma, token, services.now()),
      accept: (uid, token) => acceptInvitation(services.prisma, uid, token, services.now()),
      signUp: (input) => signUpWithInvitation(services.prisma, input, { limiter, clientIp: clientIp || null, now: services.now() }),
    },
  });
}

/** The context for the web app's handler, over the process-wide services (built from the environment). */
export function createContext(input: CreateContextInput): Promise<ApiContext> {
  return createContextFactory(getDefaultCoreServices())(input);
}

/**
 * For Auth.js's Credentials provider. Too many failures for the email (or from `clientIp`) throw a
 * DomainError with code RATE_LIMITED (message says when to try again): catch it in `authorize` and
 * throw a CredentialsSignin with its own code so the form can say so.
 */
export function verifyCredentials(email: string, password: string, options: { clientIp?: string | null } = {}): Promise<PublicUser | null> {
  return verifyCredentialsWithServices(getDefaultCoreServices(), email, password, options);
}

/** verifyCredentials over explicit services (tests, custom servers). */
export function verifyCredentialsWithServices(
  services: CoreServices,
  email: string,
  password: string,
  options: { clientIp?: string | null } = {},
): Promise<PublicUser | null> {
  return verifyCredentialsWith(services.prisma, email, password, { limiter: rateLimiterFor(services), clientIp: options.clientIp ?? null });
}
