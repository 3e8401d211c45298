import { describe, expect, it } from 'vitest';
import { availableRunActions, isTerminalState, stateLabel, stateTone } from './run-state.ts';
import { buildTimeline, totalRunDuration } from './timeline.ts';

const t0 = Date.parse('2026-11-25T10:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000).toISOString();

describe('buildTimeline', () => {
  it('gives each state the time until the next transition and keeps the last one current', () => {
    const entries = buildTimeline(
      [
        { state: 'QUEUED', at: at(0), actor: { kind: 'USER', name: 'Ada' }, reason: 'manual' },
        { state: 'PREPARING', at: at(2) },
        { state: 'PLANNING', at: at(7) },
      ],
      t0 + 20_000,
    );
    expect(entries.map((e) => [e.state, e.durationMs, e.current])).toEqual([
      ['QUEUED', 2000, false],
      ['PREPARING', 5000, false],
      ['PLANNING', 13_000, true],
    ]);
    expect(entries[0]).toMatchObject({ actorName: 'Ada', reason: 'manual' });
    expect(entries[2]!.endedAt).toBeNull();
  });

  it('sorts by time and gives a terminal last state no duration', () => {
    const entries = buildTimeline([
      { state: 'FINISHED', at: at(30) },
      { state: 'QUEUED', at: at(0) },
      { state: 'APPLYING', at: at(10) },
    ]);
    expect(entries.map((e) => [e.state, e.durationMs, e.current])).toEqual([
      ['QUEUED', 10_000, false],
      ['APPLYING', 20_000, false],
      ['FINISHED', null, false],
    ]);
    expect(totalRunDuration(entries)).toBe(30_000);
  });

  it('keeps insertion order for transitions at the same instant', () => {
    const entries = buildTimeline([
      { state: 'QUEUED', at: at(0) },
      { state: 'READY', at: at(0) },
    ], t0 + 1000);
    expect(entries.map((e) => e.state)).toEqual(['QUEUED', 'READY']);
  });

  it('measures a running run until now and an empty one as unknown', () => {
    const entries = buildTimeline([{ state: 'QUEUED', at: at(0) }], t0 + 5000);
    expect(totalRunDuration(entries, t0 + 5000)).toBe(5000);
    expect(totalRunDuration([])).toBeNull();
  });
});

describe('run states', () => {
  it('offers the actions the run can take in its state', () => {
    expect(availableRunActions('UNCONFIRMED')).toEqual(['confirm', 'discard']);
    expect(availableRunActions('QUEUED')).toEqual(['discard']);
    expect(availableRunActions('READY')).toEqual(['discard']);
    expect(availableRunActions('PLANNING')).toEqual(['stop']);
    expect(availableRunActions('INITIALIZING')).toEqual(['stop']);
    expect(availableRunActions('FAILED')).toEqual(['retry']);
    expect(availableRunActions('APPLYING')).toEqual([]);
    expect(availableRunActions('FINISHED')).toEqual([]);
  });

  it('offers nothing to readers', () => {
    expect(availableRunActions('UNCONFIRMED', 'READER')).toEqual([]);
  });

  it('labels and colours states', () => {
    expect(stateLabel('PREPARING_APPLY')).toBe('Preparing apply');
    expect(stateLabel('FINISHED')).toBe('Finished');
    expect(stateTone('UNCONFIRMED')).toBe('attention');
    expect(stateTone('PLANNING')).toBe('active');
    expect(stateTone('FAILED')).toBe('danger');
    expect(stateTone('FINISHED')).toBe('success');
    expect(stateTone('DISCARDED')).toBe('muted');
    expect(isTerminalState('STOPPED')).toBe(true);
    expect(isTerminalState('UNCONFIRMED')).toBe(false);
  });
});
