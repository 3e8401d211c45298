import { accountScopeForUser, getDefaultCoreServices, scopeServices, type AccountScope } from '@gantry/core';
import { DomainError, httpStatusOf, isDomainError } from '@gantry/domain';
import { sessionUserId } from '@/auth.ts';

/**
 * The account scope of the signed-in user for `accountSlug`, for plain route handlers (SSE).
 * Not signed in → UNAUTHENTICATED; not a member → NOT_FOUND (the account's existence is not told).
 */
export async function accountScopeForRequest(accountSlug: string): Promise<AccountScope> {
  const userId = await sessionUserId();
  if (!userId) throw DomainError.unauthenticated('Sign in to see this');
  const services = getDefaultCoreServices();
  return accountScopeForUser(services.prisma, scopeServices(services), userId, accountSlug);
}

/** A JSON error response for a route handler; unexpected errors are logged and answered 500. */
export function errorResponse(error: unknown, context: string): Response {
  const status = httpStatusOf(error);
  if (!isDomainError(error)) console.error(`${context} failed:`, error);
  const message = isDomainError(error) ? error.message : 'Internal error; see the server logs';
  return Response.json({ error: { code: isDomainError(error) ? error.code : 'INTERNAL', message } }, { status });
}
