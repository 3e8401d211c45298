/**
 * How messages name a run (or any uuid v7 row) for people: its last 8 characters, the random part,
 * as the web shows it ("run 3a8c21f0"). The full id goes in a structured field next to the message,
 * for links.
 */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(-8) : id;
}
