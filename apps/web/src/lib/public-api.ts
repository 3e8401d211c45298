'use client';

import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '@/server/backend.ts';

/** A tRPC client outside any account (sign-up, invitation links): no x-gantry-account header. */
export const publicApi = createTRPCClient<AppRouter>({ links: [httpLink({ url: '/api/trpc', transformer: superjson })] });
