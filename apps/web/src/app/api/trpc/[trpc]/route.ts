import { sessionUserId } from '@/auth.ts';
import { createApiHandler } from '@/server/backend.ts';
import { requestClientAddress } from '@/server/client-address.ts';

// The API acts as the session's user inside the account named by the x-gantry-account header
// (the client sends the slug from the page URL). Membership is checked by the API, not here.
// The API's handler refuses bodies over 1 MiB (413) before parsing them.
const handle = createApiHandler({
  endpoint: '/api/trpc',
  onError({ error, path }) {
    if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
  },
});

async function handler(request: Request) {
  const userId = await sessionUserId();
  const accountSlug = request.headers.get('x-gantry-account');
  return handle(request, { userId, accountSlug: accountSlug || null, clientIp: requestClientAddress(request.headers) });
}

export { handler as GET, handler as POST };
