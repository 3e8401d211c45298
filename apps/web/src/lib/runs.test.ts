import { describe, expect, it } from 'vitest';
import { shortRunId, splitRunIds, triggeredByLabel, triggerReasonLabel } from './runs.ts';

describe('run metadata', () => {
  it('labels trigger reasons', () => {
    expect(triggerReasonLabel('PULL_REQUEST')).toBe('Pull request');
    expect(triggerReasonLabel('MANUAL')).toBe('Manual trigger');
    expect(triggerReasonLabel('SCHEDULED_TASK')).toBe('Scheduled task');
    expect(triggerReasonLabel(null)).toBe('Unknown');
  });

  it('names the person who triggered, else the reason', () => {
    expect(triggeredByLabel({ triggeredBy: { name: 'Ada' }, triggerReason: 'MANUAL' })).toBe('Ada');
    expect(triggeredByLabel({ triggeredBy: null, triggerReason: 'PUSH' })).toBe('Git push');
  });

  it('shortens run ids', () => {
    expect(shortRunId('cm3abcdefghijklmnop')).toBe('ijklmnop');
    expect(shortRunId('abc')).toBe('abc');
  });

  it('finds the run ids a server message names, so they can become links', () => {
    expect(splitRunIds('Waiting for run 01A21237-e780-70ce-98d1-7325383371f8 to finish: a stack runs one tracked run at a time')).toEqual([
      { text: 'Waiting for run ' },
      { runId: '01a21237-e780-70ce-98d1-7325383371f8' },
      { text: ' to finish: a stack runs one tracked run at a time' },
    ]);
    expect(splitRunIds('01a21237-e780-70ce-98d1-7325383371f8')).toEqual([{ runId: '01a21237-e780-70ce-98d1-7325383371f8' }]);
    expect(splitRunIds('Stack is locked: maintenance')).toEqual([{ text: 'Stack is locked: maintenance' }]);
    expect(splitRunIds('')).toEqual([]);
    // Not ids: too short, or part of a longer token.
    expect(splitRunIds('run 01a21237-e780 and x01a21237-e780-70ce-98d1-7325383371f8')).toEqual([
      { text: 'run 01a21237-e780 and x01a21237-e780-70ce-98d1-7325383371f8' },
    ]);
  });

  it('finds the short ids of runs sent beside a message (waitingForRunId, lockedByRunId)', () => {
    const id = '01a21237-e780-70ce-98d1-7325383371f8';
    expect(splitRunIds('Waiting for run 383371f8 to finish: a stack runs one tracked run at a time', [id])).toEqual([
      { text: 'Waiting for run ' },
      { runId: id },
      { text: ' to finish: a stack runs one tracked run at a time' },
    ]);
    // Only whole words, and only for the runs given.
    expect(splitRunIds('run x383371f8 and 383371f8a', [id])).toEqual([{ text: 'run x383371f8 and 383371f8a' }]);
    expect(splitRunIds('Waiting for run 383371f8 to finish', [null])).toEqual([{ text: 'Waiting for run 383371f8 to finish' }]);
  });
});
