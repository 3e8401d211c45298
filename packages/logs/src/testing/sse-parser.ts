// Reads an event stream as the HTML spec interprets it (event, id, data fields; comments skipped),
// so tests can check what a browser would see.
export interface ParsedSseEvent {
  readonly event: string;
  /** The event's lastEventId: the last `id:` seen so far in the stream (ids persist across events). */
  readonly id: string | null;
  readonly data: string;
}

export function parseSse(text: string): ParsedSseEvent[] {
  const events: ParsedSseEvent[] = [];
  let data: string[] = [];
  let event = '';
  let id: string | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length) events.push({ event: event || 'message', id, data: data.join('\n') });
      data = [];
      event = '';
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  }
  return events;
}
