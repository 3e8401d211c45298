import { describe, expect, it } from 'vitest';
import { failedPhase, phaseName, withoutRepeatedError } from './run-failure.ts';

const t = (state: string, reason: string | null = null) => ({ state, reason, at: new Date() });

describe('run failure', () => {
  it('names the phase the run failed in', () => {
    expect(failedPhase([t('QUEUED'), t('READY'), t('PREPARING'), t('INITIALIZING'), t('PLANNING'), t('FAILED', 'boom')])).toBe('PLANNING');
    expect(failedPhase([t('QUEUED'), t('READY'), t('PREPARING'), t('FAILED', 'no such branch')])).toBe('PREPARING');
    expect(failedPhase([t('QUEUED'), t('FAILED', 'x')])).toBeNull();
    expect(failedPhase([t('QUEUED'), t('PLANNING')])).toBeNull();
  });

  it('drops the error from the FAILED entry only when it repeats the run error', () => {
    const transitions = [t('PLANNING', 'Worker w1 started'), t('FAILED', 'tofu plan failed\n')];
    expect(withoutRepeatedError(transitions, 'tofu plan failed').map((x) => x.reason)).toEqual(['Worker w1 started', null]);
    expect(withoutRepeatedError(transitions, 'something else').map((x) => x.reason)).toEqual(['Worker w1 started', 'tofu plan failed\n']);
    expect(withoutRepeatedError(transitions, null)).toEqual(transitions);
  });

  it('writes phases for sentences', () => {
    expect(phaseName('PREPARING_APPLY')).toBe('preparing apply');
  });
});
