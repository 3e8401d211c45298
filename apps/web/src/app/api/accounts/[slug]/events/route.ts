import { getDefaultCoreServices } from '@gantry/core';
import { encodeSseComment, encodeSseEvent, SSE_RESPONSE_HEADERS, subscribeRunEvents } from '@gantry/logs';
import { accountScopeForRequest, errorResponse } from '@/server/account-scope.ts';

export const dynamic = 'force-dynamic';

const HEARTBEAT_MS = 15_000;

/**
 * State changes of every run in the account, as Server-Sent Events (`event: run`, data
 * `{ runId, stackId, state, at }`), so stack and run lists update the moment a run moves.
 * Pub/sub is best effort: clients also refetch on reconnect and poll slowly as a safety net.
 * Without Redis this answers 503 and clients poll faster instead.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  try {
    const scope = await accountScopeForRequest(slug);
    const redis = getDefaultCoreServices().redis;
    if (!redis) return Response.json({ error: { code: 'UNAVAILABLE', message: 'Live updates need Redis' } }, { status: 503 });
    const encoder = new TextEncoder();
    let cleanup = () => {};
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            cleanup(); // the client went away
          }
        };
        const subscription = await subscribeRunEvents(
          redis,
          { accountId: scope.account.id },
          (event) => send(encodeSseEvent({ event: 'run', data: { runId: event.runId, stackId: event.stackId ?? null, state: event.state, at: event.at } })),
          // Messages were lost while Redis was away: tell clients to refetch.
          { onReconnect: () => send(encodeSseEvent({ event: 'resync', data: {} })) },
        ).catch((error: unknown) => {
          console.error(`account events ${slug}: subscribe failed`, error);
          return null;
        });
        if (!subscription) {
          controller.close();
          return;
        }
        send(encodeSseEvent({ event: 'ready', retry: 5_000, data: {} }));
        const heartbeat = setInterval(() => send(encodeSseComment('heartbeat')), HEARTBEAT_MS);
        let done = false;
        cleanup = () => {
          if (done) return;
          done = true;
          clearInterval(heartbeat);
          subscription.unsubscribe();
          try {
            controller.close();
          } catch {
            // already closed
          }
        };
        if (request.signal.aborted) cleanup();
        else request.signal.addEventListener('abort', () => cleanup(), { once: true });
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(body, { headers: SSE_RESPONSE_HEADERS });
  } catch (error) {
    return errorResponse(error, `account events ${slug}`);
  }
}
