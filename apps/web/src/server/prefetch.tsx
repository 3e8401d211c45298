import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { cache, type ReactNode } from 'react';
import { sessionUserId } from '@/auth.ts';
import { makeQueryClient } from '@/lib/query-client.ts';
import { appRouter, createContext } from './backend.ts';

// Server components prefetch the queries a page needs into a per-request cache and hand it to the
// browser's cache (HydrationBoundary), so pages arrive with their data instead of a skeleton and a
// second round trip. Failed prefetches are not sent: the client fetches again and shows the error.

const requestQueryClient = cache(makeQueryClient);

/** tRPC query options backed by the API called in-process, as the signed-in user in `accountSlug`. */
export const serverTRPC = cache(async (accountSlug: string) => {
  const userId = await sessionUserId();
  return createTRPCOptionsProxy({
    router: appRouter,
    ctx: () => createContext({ userId, accountSlug }),
    queryClient: requestQueryClient,
  });
});

export function Prefetched({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(requestQueryClient())}>{children}</HydrationBoundary>;
}

export { requestQueryClient };
