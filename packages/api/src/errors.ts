import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { DomainError, isDomainError, type DomainErrorCode } from '@gantry/domain';

/** The one mapping from domain error codes to tRPC codes (HTTP statuses: @gantry/domain's httpStatusOf). */
export const TRPC_CODE_BY_DOMAIN_CODE: Readonly<Record<DomainErrorCode, TRPC_ERROR_CODE_KEY>> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID_INPUT: 'BAD_REQUEST',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  INVALID_STATE: 'CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** A DomainError as a TRPCError (cause kept for the error formatter); anything else is rethrown as is. */
export function toTRPCError(error: unknown): unknown {
  if (isDomainError(error)) return new TRPCError({ code: TRPC_CODE_BY_DOMAIN_CODE[error.code], message: error.message, cause: error });
  return error;
}

export { DomainError };
