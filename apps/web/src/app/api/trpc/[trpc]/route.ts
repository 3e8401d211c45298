import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { sessionUserId } from '@/auth.ts';
import { appRouter, createContext } from '@/server/backend.ts';

// The API acts as the session's user inside the account named by the x-gantry-account header
// (the client sends the slug from the page URL). Membership is checked by the API, not here.
async function handler(request: Request) {
  const userId = await sessionUserId();
  const accountSlug = request.headers.get('x-gantry-account');
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    createContext: () => createContext({ userId, accountSlug: accountSlug || null }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
