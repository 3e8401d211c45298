import { describe, expect, it } from 'vitest';
import { shortRunId, triggeredByLabel, triggerReasonLabel } from './runs.ts';

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
});
