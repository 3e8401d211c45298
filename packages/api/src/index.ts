import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './routers/app.ts';

export { appRouter, type AppRouter } from './routers/app.ts';
export { createContext, createContextFactory, verifyCredentials, verifyCredentialsWithServices, type ApiContext, type CreateContextInput } from './context.ts';
export { createCallerFactory } from './trpc.ts';
export { createApiHandler, API_MAX_BODY_BYTES, type ApiHandlerOptions } from './http.ts';
export { TRPC_CODE_BY_DOMAIN_CODE, toTRPCError } from './errors.ts';
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
