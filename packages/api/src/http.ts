import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createContext as createDefaultContext, type ApiContext, type CreateContextInput } from './context.ts';
import { appRouter } from './routers/app.ts';

/**
 * Largest request body the API reads (1 MiB). The biggest legitimate input, an environment value,
 * is 64 KiB; anything larger is refused before it is parsed, with a tRPC error the client shows
 * (413 PAYLOAD_TOO_LARGE) rather than a dropped connection.
 */
export const API_MAX_BODY_BYTES = 1024 * 1024;

export interface ApiHandlerOptions {
  /** Where the handler is mounted, e.g. '/api/trpc'. */
  endpoint: string;
  /** Defaults to the process-wide context (services from the environment). */
  createContext?: (input: CreateContextInput) => Promise<ApiContext>;
  maxBodyBytes?: number;
  onError?: Parameters<typeof fetchRequestHandler>[0]['onError'];
}

/** Reads at most `max` bytes of the body; null when there is more. */
async function readBounded(request: Request, max: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await request.body?.cancel().catch(() => undefined);
    return null;
  }
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * The tRPC endpoint for a fetch-style route handler (Next.js), with the body size limit. Usage:
 * `const handle = createApiHandler({ endpoint: '/api/trpc' });`
 * `handle(request, { userId, accountSlug, clientIp })`.
 */
export function createApiHandler(options: ApiHandlerOptions) {
  const max = options.maxBodyBytes ?? API_MAX_BODY_BYTES;
  const makeContext = options.createContext ?? createDefaultContext;
  return async (request: Request, context: CreateContextInput): Promise<Response> => {
    let req = request;
    let tooLarge = false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const body = await readBounded(request, max);
      tooLarge = body === null;
      // The oversized body is never parsed: tRPC gets an empty input and the context refuses the call.
      const headers = new Headers(request.headers);
      headers.delete('content-length');
      req = new Request(request.url, { method: request.method, headers, body: tooLarge ? '{}' : (body as BodyInit) });
    }
    return fetchRequestHandler({
      endpoint: options.endpoint,
      req,
      router: appRouter,
      createContext: () => {
        if (tooLarge)
          throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `The request is larger than ${Math.round(max / 1024)} KiB; send less data at once` });
        return makeContext(context);
      },
      ...(options.onError ? { onError: options.onError } : {}),
    });
  };
}
