'use client';

import { QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '@/server/backend.ts';
import { AccountEvents } from './account-events.tsx';
import { makeQueryClient } from './query-client.ts';
import { TRPCProvider } from './trpc-context.ts';

export { useTRPC, useTRPCClient } from './trpc-context.ts';

/**
 * Data providers for one account. Each account gets its own query cache and a client that sends
 * `x-gantry-account`, so cached data never crosses accounts (query keys do not name the account).
 * The account layout keys this component by slug: switching accounts starts a fresh cache.
 */
export function AccountDataProvider({ accountSlug, children }: { accountSlug: string; children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: '/api/trpc',
          transformer: superjson,
          headers: () => ({ 'x-gantry-account': accountSlug }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <AccountEvents accountSlug={accountSlug}>{children}</AccountEvents>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
