import { describe, expect, it } from 'vitest';
import { failedPhase, failureCause, phaseName, withoutRepeatedError } from './run-failure.ts';

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

  it('tells a repository the worker cannot read from a configuration error and a missing variable', () => {
    expect(failureCause("Could not read repository file:///tmp/x: fatal: '/tmp/x' does not appear to be a git repository", 'PREPARING')).toEqual({ kind: 'repository' });
    expect(failureCause('Branch "release" was not found in repository https://example.com/a.git', 'PREPARING')).toEqual({ kind: 'repository' });
    expect(failureCause('tofu init failed: Invalid multi-line string (main.tf line 2)', 'INITIALIZING')).toEqual({ kind: 'configuration', file: 'main.tf', line: 2 });
    expect(failureCause('tofu plan failed: Unsupported argument (modules/db/main.tf line 14)', 'PLANNING')).toEqual({ kind: 'configuration', file: 'modules/db/main.tf', line: 14 });
    expect(failureCause('tofu plan failed: No value for required variable (main.tf line 1)', 'PLANNING')).toEqual({ kind: 'variable' });
  });

  it('leaves everything else to the log, where a retry may help', () => {
    expect(failureCause('tofu apply failed: Error creating bucket: AccessDenied', 'APPLYING')).toEqual({ kind: 'other' });
    expect(failureCause('tofu plan failed: timeout while waiting for state lock', 'PLANNING')).toEqual({ kind: 'other' });
    // A configuration-looking message while applying is about the apply, not a syntax error to push a fix for.
    expect(failureCause('tofu apply failed: local-exec provisioner error (main.tf line 9)', 'APPLYING')).toEqual({ kind: 'other' });
    expect(failureCause(null, 'PLANNING')).toEqual({ kind: 'other' });
    // A provider's error on a resource while planning names its file and line too.
    expect(failureCause('tofu plan failed: reading S3 Bucket (logs): AccessDenied (main.tf line 3)', 'PLANNING')).toEqual({ kind: 'other' });
  });
});
