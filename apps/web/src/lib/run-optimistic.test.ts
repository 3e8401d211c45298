import { describe, expect, it } from 'vitest';
import { isRunState, withState } from './run-optimistic.ts';

const planning = {
  id: 'r1',
  state: 'PLANNING' as const,
  transitions: [{ state: 'PLANNING' as const, at: new Date('2026-11-25T10:00:00Z'), actor: { kind: 'WORKER' as const, name: 'w1' }, reason: null }],
  actions: { confirm: false, discard: false, stop: true, retry: false },
};

describe('withState', () => {
  it('moves the state, appends the transition and offers the new state’s actions', () => {
    const at = new Date('2026-11-25T10:01:00Z');
    const next = withState(planning, 'UNCONFIRMED', { at, reason: 'plan has changes' });
    expect(next.state).toBe('UNCONFIRMED');
    expect(next.transitions.at(-1)).toEqual({ state: 'UNCONFIRMED', at, actor: { kind: 'SYSTEM', name: null }, reason: 'plan has changes' });
    expect(next.actions).toEqual({ confirm: true, discard: true, stop: false, retry: false });
    expect(next.id).toBe('r1');
  });

  it('leaves the timeline alone for an action’s answer and the run alone when nothing changed', () => {
    expect(withState(planning, 'STOPPED').transitions).toHaveLength(1);
    expect(withState(planning, 'PLANNING', { reason: 'again' })).toBe(planning);
  });
});

describe('isRunState', () => {
  it('accepts only known states', () => {
    expect(isRunState('APPLYING')).toBe(true);
    expect(isRunState('applying')).toBe(false);
    expect(isRunState('EXPLODED')).toBe(false);
  });
});
