import { describe, expect, it } from 'vitest';
import { isNoChangesRun } from './run-outcome.ts';

describe('isNoChangesRun', () => {
  it('is a finished run whose plan changed nothing', () => {
    expect(isNoChangesRun({ state: 'FINISHED', hasChanges: false })).toBe(true);
  });

  it('is not a run that applied changes, one not planned yet, or one that ended otherwise', () => {
    expect(isNoChangesRun({ state: 'FINISHED', hasChanges: true })).toBe(false);
    expect(isNoChangesRun({ state: 'FINISHED', hasChanges: null })).toBe(false);
    expect(isNoChangesRun({ state: 'DISCARDED', hasChanges: false })).toBe(false);
    expect(isNoChangesRun({ state: 'PLANNING', hasChanges: null })).toBe(false);
  });
});
