import { createLogChunkStore, getDefaultCoreServices, getRunStatus } from '@gantry/core';
import { InvalidLastEventIdError, parseLastEventId, SSE_RESPONSE_HEADERS, streamRunEvents, toSseResponseStream } from '@gantry/logs';
import { accountScopeForRequest, errorResponse } from '@/server/account-scope.ts';

export const dynamic = 'force-dynamic';

/**
 * A run's log and state changes as Server-Sent Events (see the API contract): `log` events with
 * id = seq, `state` events, and `end` once the run is terminal and every chunk was sent. Resumes
 * after Last-Event-ID. Another account's run, or an account the user is not in, answers 404.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string; runId: string }> }) {
  const { slug, runId } = await params;
  let afterSeq: number | null;
  try {
    afterSeq = parseLastEventId(request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId'));
  } catch (error) {
    if (error instanceof InvalidLastEventIdError) return Response.json({ error: { code: 'INVALID_INPUT', message: error.message } }, { status: 400 });
    throw error;
  }
  try {
    const scope = await accountScopeForRequest(slug);
    await getRunStatus(scope, runId); // 404 before the stream starts
    const events = streamRunEvents({
      redis: getDefaultCoreServices().redis,
      store: createLogChunkStore(scope.db),
      runId,
      afterSeq,
      isTerminal: () => getRunStatus(scope, runId),
      signal: request.signal,
    });
    const body = toSseResponseStream(events, request.signal, {
      retryMs: 2_000,
      onError: (error) => console.error(`run events ${runId}: stream failed`, error),
    });
    return new Response(body, { headers: SSE_RESPONSE_HEADERS });
  } catch (error) {
    return errorResponse(error, `run events ${runId}`);
  }
}
