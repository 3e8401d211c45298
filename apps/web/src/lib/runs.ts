// Presentation of run metadata.

const REASONS: Record<string, string> = {
  MANUAL: 'Manual trigger',
  PUSH: 'Git push',
  PULL_REQUEST: 'Pull request',
  DEPENDENCY: 'Dependency',
  DRIFT: 'Drift detection',
  RETRY: 'Retry',
  API: 'API',
};

/** "PULL_REQUEST" → "Pull request"; unknown reasons are shown as words. */
export function triggerReasonLabel(reason: string | null | undefined): string {
  if (!reason) return 'Unknown';
  if (REASONS[reason]) return REASONS[reason];
  const words = reason.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Who or what started a run, in one phrase: "Ada Lovelace", or "Git push" when no person did. */
export function triggeredByLabel(run: { triggeredBy: { name: string } | null; triggerReason: string | null }): string {
  return run.triggeredBy?.name ?? triggerReasonLabel(run.triggerReason);
}

/** Short run id for titles: the last 8 characters are enough to tell runs apart. */
export function shortRunId(id: string): string {
  return id.length > 8 ? id.slice(-8) : id;
}

// Run ids are UUIDs. Server messages name runs by short id ("Waiting for run 3a8c21f0 to finish…")
// and carry the full id in a field beside them (queue reason: waitingForRunId, lock reason:
// lockedByRunId); older messages held the full id.
const RUN_ID_IN_TEXT = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

export type TextPart = { text: string } | { runId: string };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Splits a server message at the runs it names — a full run id, or the short id of one of `known`
 * (the run ids sent beside the message) — so the page can show each as a short link to that run.
 */
export function splitRunIds(text: string, known: readonly (string | null | undefined)[] = []): TextPart[] {
  const byShortId = new Map<string, string>();
  for (const id of known) if (id) byShortId.set(shortRunId(id).toLowerCase(), id);
  const shortIds = [...byShortId.keys()].map(escapeRegExp);
  const pattern = shortIds.length
    ? new RegExp(`${RUN_ID_IN_TEXT.source}|(?<![\\w-])(?:${shortIds.join('|')})(?![\\w-])`, 'gi')
    : RUN_ID_IN_TEXT;
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    const found = match[0].toLowerCase();
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ runId: byShortId.get(found) ?? found });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** Runs per page of a stack's run list (the server prefetches the first page with the same key). */
export const RUNS_PAGE_SIZE = 25;
