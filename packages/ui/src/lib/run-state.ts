// How run states look and what a user may do in each. The authoritative state machine lives in
// @gantry/domain and the server rejects invalid actions; this table only decides which buttons to
// offer, so the UI never shows an action that is bound to fail.

import { TERMINAL_STATES } from '@gantry/domain';

export type StateTone = 'neutral' | 'active' | 'attention' | 'success' | 'danger' | 'muted';

const WORKING: ReadonlySet<string> = new Set(['PREPARING', 'INITIALIZING', 'PLANNING', 'PREPARING_APPLY', 'APPLYING', 'PERFORMING', 'CONFIRMED']);
const WAITING_FOR_HUMAN: ReadonlySet<string> = new Set(['UNCONFIRMED', 'PENDING_REVIEW']);

export function isTerminalState(state: string): boolean {
  return (TERMINAL_STATES as ReadonlySet<string>).has(state);
}

/** A worker is busy with the run right now (the UI animates these). */
export function isWorkingState(state: string): boolean {
  return WORKING.has(state);
}

export function stateTone(state: string): StateTone {
  if (state === 'FINISHED') return 'success';
  if (state === 'FAILED') return 'danger';
  if (WAITING_FOR_HUMAN.has(state)) return 'attention';
  if (WORKING.has(state)) return 'active';
  if (state === 'QUEUED' || state === 'READY') return 'neutral';
  return 'muted';
}

/** "PREPARING_APPLY" → "Preparing apply". */
export function stateLabel(state: string): string {
  const words = state.toLowerCase().split('_');
  const first = words[0] ?? '';
  return [first.charAt(0).toUpperCase() + first.slice(1), ...words.slice(1)].join(' ');
}

export type RunAction = 'confirm' | 'discard' | 'stop' | 'retry';

/** Actions offered for a run in `state` to a user with `role` (readers only look). */
export function availableRunActions(state: string, role: string | null | undefined = 'ADMIN'): RunAction[] {
  if (role === 'READER') return [];
  switch (state) {
    case 'UNCONFIRMED':
      return ['confirm', 'discard'];
    case 'QUEUED':
    case 'READY':
      return ['discard'];
    case 'INITIALIZING':
    case 'PLANNING':
      return ['stop'];
    case 'FAILED':
      return ['retry'];
    default:
      return [];
  }
}

/** States in which a worker writes log output; the log viewer offers a tab for each that has lines. */
export const LOG_PHASES: readonly string[] = ['PREPARING', 'INITIALIZING', 'PLANNING', 'PREPARING_APPLY', 'APPLYING', 'PERFORMING'];

export function isLogPhase(state: string): boolean {
  return LOG_PHASES.includes(state);
}
