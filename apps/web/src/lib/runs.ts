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

/** Runs per page of a stack's run list (the server prefetches the first page with the same key). */
export const RUNS_PAGE_SIZE = 25;
