// Reading tRPC errors for forms and banners. The API puts per-field messages in
// `error.data.fieldErrors` (zod-style: field → messages), e.g. CONFLICT on a duplicate stack name.

export type FieldErrors = Record<string, string[] | undefined>;

interface ErrorLike {
  message?: unknown;
  data?: unknown;
  shape?: unknown;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
}

function errorData(error: unknown): Record<string, unknown> | null {
  const e = asRecord(error) as ErrorLike | null;
  return asRecord(e?.data) ?? asRecord(asRecord(e?.shape)?.data);
}

/**
 * Messages per field. Nested paths ("labels.2") are also filed under their top-level field, which
 * is what a form shows its error under.
 */
function normaliseFieldErrors(value: unknown): FieldErrors | null {
  const record = asRecord(value);
  if (!record) return null;
  const out: Record<string, string[]> = {};
  const add = (field: string, messages: string[]) => {
    out[field] = [...new Set([...(out[field] ?? []), ...messages])];
  };
  for (const [field, messages] of Object.entries(record)) {
    const strings = typeof messages === 'string' ? [messages] : Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string') : [];
    if (!strings.length) continue;
    add(field, strings);
    const top = field.split('.')[0]!;
    if (top !== field) add(top, strings);
  }
  return Object.keys(out).length ? out : null;
}

/** Per-field messages of a failed mutation, or an empty object. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  const data = errorData(error);
  return (
    normaliseFieldErrors(data?.fieldErrors) ??
    normaliseFieldErrors(asRecord(data?.zodError)?.fieldErrors) ??
    {}
  );
}

export function errorCode(error: unknown): string | null {
  const code = errorData(error)?.code;
  return typeof code === 'string' ? code : null;
}

/**
 * A message that says what happened and what to do next. Server messages are written for users
 * (e.g. "Run is FINISHED; only UNCONFIRMED runs can be confirmed"), so they are shown as is;
 * transport failures and generic codes get a hint instead.
 */
export function errorMessage(error: unknown, fallback = 'Something went wrong.'): string {
  const code = errorCode(error);
  const raw = asRecord(error)?.message;
  const message = typeof raw === 'string' ? raw.trim() : '';
  // tRPC uses the code as the message when the server gave none.
  const userMessage = message && !/^[A-Z_]+$/.test(message) ? message : '';
  if (code === 'UNAUTHORIZED') return 'Your session has ended. Sign in again to continue.';
  if (code === 'INTERNAL_SERVER_ERROR' || /^(fetch failed|failed to fetch|networkerror|load failed)/i.test(message)) {
    return 'Gantry could not be reached or failed to answer. Check your connection and try again; if it keeps failing, check the server logs.';
  }
  if (code === 'NOT_IMPLEMENTED') return userMessage || 'This is not available on this server yet.';
  if (code === 'NOT_FOUND') return userMessage || 'It no longer exists, or you do not have access to it. Reload the page.';
  if (code === 'FORBIDDEN') return userMessage || 'Your role in this account does not allow this. Ask an account admin.';
  return userMessage || fallback;
}
