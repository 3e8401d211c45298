// For the API's integration tests that walk the whole AppRouter: call any procedure by its path as
// any user, in any account, and read the outcome as a tRPC error code.
import { TRPCError } from '@trpc/server';
import type { createContextFactory } from './context.ts';
import { appRouter } from './routers/app.ts';
import { createCallerFactory } from './trpc.ts';

type CreateContext = ReturnType<typeof createContextFactory>;
export type ProcedureType = 'query' | 'mutation' | 'subscription';

const createCaller = createCallerFactory(appRouter);

/** Every procedure of the AppRouter by path ("stacks.get"), with its type. */
export function appProcedures(): Record<string, ProcedureType> {
  const procedures = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: ProcedureType } }> } })._def.procedures;
  return Object.fromEntries(Object.entries(procedures).map(([path, procedure]) => [path, procedure._def.type]));
}

/** Calls the procedure at `path` as `userId` (null: signed out) in the account `accountSlug`. */
export async function callProcedure(createContext: CreateContext, userId: string | null, accountSlug: string | null, path: string, input: unknown): Promise<unknown> {
  const caller = createCaller(await createContext({ userId, accountSlug })) as unknown as Record<string, unknown>;
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (i: unknown) => Promise<unknown>;
  return fn(input);
}

/** 'OK', or the code of the tRPC error the call failed with; any other error is thrown. */
export async function trpcCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}
