import { describe, expect, it } from 'vitest';
import { defaultPhase, phaseFromHash } from './run-phase.ts';

describe('defaultPhase', () => {
  it('follows the phase that is running, even before it printed anything', () => {
    expect(defaultPhase('PLANNING', ['INITIALIZING'])).toBe('PLANNING');
    expect(defaultPhase('APPLYING', ['INITIALIZING', 'PLANNING'])).toBe('APPLYING');
  });

  it('shows the last phase with output when the run waits or ended', () => {
    expect(defaultPhase('UNCONFIRMED', ['INITIALIZING', 'PLANNING'])).toBe('PLANNING');
    expect(defaultPhase('FINISHED', ['PLANNING', 'APPLYING'])).toBe('APPLYING');
    expect(defaultPhase('QUEUED', [])).toBeNull();
    expect(defaultPhase(undefined, ['PLANNING'])).toBe('PLANNING');
  });
});

describe('phaseFromHash', () => {
  it('reads the phase of a line link', () => {
    expect(phaseFromHash('#applying-L3')).toBe('APPLYING');
    expect(phaseFromHash('#plan')).toBeNull();
    expect(phaseFromHash('')).toBeNull();
  });
});
