import { createLogChunkStore, getDefaultCoreServices, getRunStatus } from '@gantry/core';
import { InvalidLastEventIdError, parseLastEventId, runStreamEventToSse, SSE_RESPONSE_HEADERS, streamRunEvents, toSseResponseStream, type RunStreamEvent } from '@gantry/logs';
import { accountScopeForRequest, errorResponse } from '@/server/account-scope.ts';
import { redisModeWatcher, withStreamMode, type StreamModeEvent } from '@/server/run-stream-mode.ts';

export const dynamic = 'force-dynamic';

/**
 * A run's log and state changes as Server-Sent Events (see the API contract): `log` events with
 * id = seq, `state` events, and `end` once the run is terminal and every chunk was sent. Resumes
 * after Last-Event-ID. Also `mode` events (`{"mode":"live"|"polling"}`), first and on every change:
 * polling while the server cannot subscribe to Redis, so the page does not claim to be live.
 * Another account's run, or an account the user is not in, answers 404.
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
    const redis = getDefaultCoreServices().redis;
    const events = streamRunEvents({
      redis,
      store: createLogChunkStore(scope.db),
      runId,
      afterSeq,
      isTerminal: () => getRunStatus(scope, runId),
      signal: request.signal,
    });
    const body = toSseResponseStream<RunStreamEvent | StreamModeEvent>(withStreamMode(events, redisModeWatcher(redis, runId)), request.signal, {
      toSse: (event) => (event.type === 'mode' ? { event: 'mode', data: { mode: event.mode } } : runStreamEventToSse(event)),
      retryMs: 2_000,
      onError: (error) => console.error(`run events ${runId}: stream failed`, error),
    });
    return new Response(body, { headers: SSE_RESPONSE_HEADERS });
  } catch (error) {
    return errorResponse(error, `run events ${runId}`);
  }
}
