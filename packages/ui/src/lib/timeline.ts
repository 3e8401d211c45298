import { isTerminalState } from './run-state.ts';

export interface TransitionInput {
  state: string;
  at: Date | string;
  actor?: { kind: string; name: string | null } | null;
  reason?: string | null;
}

export interface TimelineEntry {
  state: string;
  startedAt: Date;
  /** null while the state is current (the run is still in it). */
  endedAt: Date | null;
  /** Time spent in the state; for the current state, time so far. null for a terminal state. */
  durationMs: number | null;
  current: boolean;
  actorName: string | null;
  reason: string | null;
}

/**
 * Turns the stored transitions into timeline entries: each state lasts until the next transition;
 * the last one is current unless it is terminal (terminal states have no duration).
 */
export function buildTimeline(transitions: readonly TransitionInput[], now: number = Date.now()): TimelineEntry[] {
  const sorted = transitions
    .map((t, index) => ({ ...t, index, startedAt: t.at instanceof Date ? t.at : new Date(t.at) }))
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.index - b.index);
  return sorted.map((t, i) => {
    const next = sorted[i + 1];
    const isLast = next === undefined;
    const terminal = isLast && isTerminalState(t.state);
    const endedAt = next ? next.startedAt : null;
    let durationMs: number | null;
    if (endedAt) durationMs = endedAt.getTime() - t.startedAt.getTime();
    else if (terminal) durationMs = null;
    else durationMs = Math.max(0, now - t.startedAt.getTime());
    return {
      state: t.state,
      startedAt: t.startedAt,
      endedAt,
      durationMs,
      current: isLast && !terminal,
      actorName: t.actor?.name ?? null,
      reason: t.reason ?? null,
    };
  });
}

/** Wall time from the first transition to the terminal one (or to now while running). */
export function totalRunDuration(entries: readonly TimelineEntry[], now: number = Date.now()): number | null {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (!first || !last) return null;
  const end = last.current ? now : last.startedAt.getTime();
  return end - first.startedAt.getTime();
}
