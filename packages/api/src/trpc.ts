import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { DomainError, isDomainError } from '@gantry/domain';
import type { AccountScope, Role } from '@gantry/core';
import type { ApiContext } from './context.ts';
import { toTRPCError } from './errors.ts';

function fieldErrorsOf(cause: unknown): Record<string, string[]> | undefined {
  if (isDomainError(cause)) return cause.details.fieldErrors;
  if (cause instanceof ZodError) {
    const out: Record<string, string[]> = {};
    for (const issue of cause.issues) (out[issue.path.map(String).join('.') || '_'] ??= []).push(issue.message);
    return out;
  }
  return undefined;
}

const t = initTRPC.context<ApiContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const fieldErrors = fieldErrorsOf(cause);
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      ...shape,
      // Never leak internals (SQL, stack traces) to clients.
      message: internal && !isDomainError(cause) ? 'Something went wrong on our side' : shape.message,
      data: {
        ...shape.data,
        stack: undefined,
        domainCode: isDomainError(cause) ? cause.code : null,
        field: isDomainError(cause) ? (cause.details.field ?? null) : null,
        fieldErrors: fieldErrors ?? null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns DomainErrors thrown by use-cases into tRPC errors; the one place errors are mapped. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isDomainError(result.error.cause)) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped instanceof TRPCError) throw mapped;
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw toTRPCError(DomainError.unauthenticated());
  return next({ ctx: { userId: ctx.userId } });
});

/**
 * Resolves the `x-gantry-account` slug to the user's membership (else NOT_FOUND) and gives the
 * procedure the account scope: the tenant-scoped data handle, the account, the user and the role.
 */
export const accountProcedure = authedProcedure.use(async ({ ctx, next }) => {
  if (!ctx.accountSlug) throw toTRPCError(DomainError.notFound('Account'));
  const scope: AccountScope = await ctx.resolveScope(ctx.userId, ctx.accountSlug).catch((error: unknown) => {
    throw toTRPCError(error);
  });
  const role = scope.role as Role;
  return next({
    ctx: {
      scope,
      db: scope.db,
      account: scope.account,
      user: scope.actor.kind === 'USER' ? { id: scope.actor.id, name: scope.actor.name } : null,
      role,
    },
  });
});
