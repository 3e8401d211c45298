// TEMPORARY: the API contract (/work/notes/API-CONTRACT.md) as a tRPC router type, so the web app
// compiles and is typed before @gantry/api and @gantry/core land. Every procedure answers
// NOT_IMPLEMENTED. backend.ts is the only importer; when the real packages exist it re-exports
// them instead and this file is deleted.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';

type Vendor = 'OPENTOFU' | 'TERRAFORM';
type Role = 'ADMIN' | 'WRITER' | 'READER';

interface StackSummary {
  id: string;
  name: string;
  description: string | null;
  labels: string[];
  repositoryUrl: string;
  branch: string;
  projectRoot: string;
  vendor: Vendor;
  vendorVersion: string | null;
  autodeploy: boolean;
  updatedAt: Date;
  lastRun: { id: string; state: string; createdAt: Date; commitSha: string | null } | null;
}

interface RunSummary {
  id: string;
  state: string;
  type: string;
  commitSha: string | null;
  commitMessage: string | null;
  triggeredBy: { id: string; name: string } | null;
  triggerReason: string;
  createdAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

interface RunDetail extends RunSummary {
  stack: { id: string; name: string; repositoryUrl: string; branch: string; projectRoot: string };
  transitions: { state: string; at: Date; actor: { kind: string; name: string | null }; reason: string | null }[];
  queueReason: string | null;
  planSummary: { add: number; change: number; destroy: number; replace: number } | null;
  resourceChanges: { address: string; actions: string[]; before: unknown; after: unknown }[] | null;
  confirmedBy: { id: string; name: string } | null;
  confirmedAt: Date | null;
  error: string | null;
}

interface EnvVar {
  id: string;
  name: string;
  secret: boolean;
  value: string | null;
  updatedAt: Date;
}

export interface ContextInput {
  userId: string | null;
  accountSlug: string | null;
}

export async function createContext(input: ContextInput) {
  return input;
}

const t = initTRPC.context<Awaited<ReturnType<typeof createContext>>>().create({ transformer: superjson });

function notYet(): never {
  throw new TRPCError({ code: 'NOT_IMPLEMENTED', message: 'The Gantry API is not installed in this build yet.' });
}

const stackInput = z.object({
  name: z.string(),
  description: z.string().optional(),
  labels: z.array(z.string()),
  repositoryUrl: z.string(),
  branch: z.string(),
  projectRoot: z.string(),
  vendor: z.enum(['OPENTOFU', 'TERRAFORM']),
  vendorVersion: z.string().optional(),
  autodeploy: z.boolean(),
});

const runAction = t.procedure.input(z.object({ id: z.string() })).mutation(async (): Promise<{ id: string; state: string }> => notYet());

export const appRouter = t.router({
  auth: t.router({
    signUp: t.procedure
      .input(z.object({ email: z.string(), password: z.string(), name: z.string(), accountName: z.string() }))
      .mutation(async (): Promise<{ user: { id: string; email: string; name: string }; account: { slug: string; name: string } }> => notYet()),
  }),
  me: t.router({
    get: t.procedure.query(async (): Promise<{ user: { id: string; email: string; name: string }; accounts: { slug: string; name: string; role: Role }[] }> => notYet()),
  }),
  members: t.router({
    list: t.procedure.query(async (): Promise<{ user: { id: string; email: string; name: string }; role: Role; createdAt: Date }[]> => notYet()),
  }),
  stacks: t.router({
    list: t.procedure.input(z.object({ search: z.string().optional(), labels: z.array(z.string()).optional() })).query(async (): Promise<StackSummary[]> => notYet()),
    get: t.procedure.input(z.object({ id: z.string() })).query(async (): Promise<StackSummary & { createdAt: Date }> => notYet()),
    create: t.procedure.input(stackInput).mutation(async (): Promise<StackSummary> => notYet()),
    update: t.procedure.input(stackInput.extend({ id: z.string() })).mutation(async (): Promise<StackSummary> => notYet()),
    delete: t.procedure.input(z.object({ id: z.string() })).mutation(async (): Promise<{ id: string }> => notYet()),
  }),
  env: t.router({
    list: t.procedure.input(z.object({ stackId: z.string() })).query(async (): Promise<EnvVar[]> => notYet()),
    set: t.procedure.input(z.object({ stackId: z.string(), name: z.string(), value: z.string(), secret: z.boolean() })).mutation(async (): Promise<EnvVar> => notYet()),
    delete: t.procedure.input(z.object({ stackId: z.string(), id: z.string() })).mutation(async (): Promise<{ id: string }> => notYet()),
  }),
  runs: t.router({
    list: t.procedure
      .input(z.object({ stackId: z.string(), cursor: z.string().nullish(), limit: z.number().optional() }))
      .query(async (): Promise<{ items: RunSummary[]; nextCursor: string | null }> => notYet()),
    get: t.procedure.input(z.object({ id: z.string() })).query(async (): Promise<RunDetail> => notYet()),
    trigger: t.procedure.input(z.object({ stackId: z.string() })).mutation(async (): Promise<{ id: string }> => notYet()),
    confirm: runAction,
    discard: runAction,
    stop: runAction,
    retry: runAction,
  }),
});

export type AppRouter = typeof appRouter;
