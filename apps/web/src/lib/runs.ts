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

// Run ids are UUIDs; server messages such as the queue reason name other runs by id.
const RUN_ID_IN_TEXT = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

export type TextPart = { text: string } | { runId: string };

/**
 * Splits a server message at the run ids it names ("Waiting for run 01a2…71f8 to finish…"), so the
 * page can show each as a short link to that run instead of a 36-character id.
 */
export function splitRunIds(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(RUN_ID_IN_TEXT)) {
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ runId: match[0].toLowerCase() });
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** Runs per page of a stack's run list (the server prefetches the first page with the same key). */
export const RUNS_PAGE_SIZE = 25;
