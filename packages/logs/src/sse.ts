// Server-Sent Events wire format (WHATWG HTML, "Server-sent events" § event stream format).

export interface SseEvent {
  /** Event type (`event:` field); omitted means the client's default "message". */
  readonly event?: string;
  /** Event id (`id:` field); the browser sends the last one back as Last-Event-ID. */
  readonly id?: string | number;
  /** Reconnection delay the client should use, in ms (`retry:` field). */
  readonly retry?: number;
  /** Text as is (split into one `data:` line per line), or any other value as JSON. */
  readonly data: unknown;
}

const LINE_BREAK = /\r\n|\r|\n/;

/** Encodes one event as SSE text, ending with the blank line that dispatches it. */
export function encodeSseEvent(event: SseEvent): string {
  let out = '';
  if (event.event !== undefined) {
    if (event.event === '' || LINE_BREAK.test(event.event)) throw new TypeError('SSE event type must be a non-empty single line');
    out += `event: ${event.event}\n`;
  }
  if (event.id !== undefined) {
    const id = String(event.id);
    // Browsers ignore ids containing NUL; a line break would end the field.
    if (LINE_BREAK.test(id) || id.includes('\u0000')) throw new TypeError('SSE id must be a single line without NUL');
    out += `id: ${id}\n`;
  }
  if (event.retry !== undefined) {
    if (!Number.isInteger(event.retry) || event.retry < 0) throw new TypeError('SSE retry must be a non-negative integer');
    out += `retry: ${event.retry}\n`;
  }
  const text = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  if (text === undefined) throw new TypeError('SSE data must be a string or a JSON-serialisable value');
  for (const line of text.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line (ignored by clients): keeps proxies and load balancers from closing idle streams. */
export function encodeSseComment(text = ''): string {
  return text
    .split(LINE_BREAK)
    .map((line) => `: ${line}\n`)
    .join('')
    .concat('\n');
}

export class InvalidLastEventIdError extends Error {
  constructor(readonly value: string) {
    super(`Last-Event-ID must be a log sequence number (a non-negative integer), got ${JSON.stringify(value.slice(0, 40))}`);
    this.name = 'InvalidLastEventIdError';
  }
}

/**
 * Reads a Last-Event-ID header (or lastEventId query parameter): the seq of the last log chunk the
 * client has. Returns null when absent or empty (start from the beginning); throws
 * InvalidLastEventIdError for anything but a non-negative safe integer.
 */
export function parseLastEventId(header: string | null | undefined): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (value === '') return null;
  if (!/^\d{1,16}$/.test(value)) throw new InvalidLastEventIdError(header);
  const seq = Number(value);
  if (!Number.isSafeInteger(seq)) throw new InvalidLastEventIdError(header);
  return seq;
}

/** Response headers for an SSE stream (no caching, no proxy buffering). */
export const SSE_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};
