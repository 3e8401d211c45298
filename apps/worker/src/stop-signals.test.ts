import { describe, expect, it } from 'vitest';
import { createStopSignals } from './stop-signals.ts';

function setup() {
  let clock = 0;
  const calls: string[] = [];
  const lines: string[] = [];
  const signals = createStopSignals({
    log: (line) => lines.push(line),
    stop: () => void calls.push('stop'),
    stopNow: () => void calls.push('stopNow'),
    now: () => clock,
  });
  return { signals, calls, lines, advance: (ms: number) => (clock += ms) };
}

describe('stop signals', () => {
  it('SIGTERM, however often, is one graceful stop', () => {
    const { signals, calls, lines, advance } = setup();
    signals.receive('SIGTERM');
    advance(30);
    signals.receive('SIGTERM');
    advance(5_000);
    signals.receive('SIGTERM');
    expect(calls).toEqual(['stop']);
    expect(lines[1]).toMatch(/^SIGTERM again: already stopping/);
  });

  it('SIGINT twice within a second is one Ctrl-C delivered twice; again later stops at once', () => {
    const { signals, calls, advance } = setup();
    signals.receive('SIGINT');
    advance(20);
    signals.receive('SIGINT');
    expect(calls).toEqual(['stop']);
    advance(1_500);
    signals.receive('SIGINT');
    expect(calls).toEqual(['stop', 'stopNow']);
    signals.receive('SIGINT');
    expect(calls).toEqual(['stop', 'stopNow']);
  });

  it('a SIGINT after SIGTERM is still graceful; SIGQUIT always stops at once', () => {
    const { signals, calls, advance } = setup();
    signals.receive('SIGTERM');
    advance(2_000);
    signals.receive('SIGINT');
    expect(calls).toEqual(['stop']);
    signals.receive('SIGQUIT');
    expect(calls).toEqual(['stop', 'stopNow']);
  });

  it('listens to the process signals', () => {
    const { signals, calls } = setup();
    const handlers = new Map<string, () => void>();
    signals.listen({ on: (event, listener) => handlers.set(event, listener) });
    expect([...handlers.keys()].sort()).toEqual(['SIGINT', 'SIGQUIT', 'SIGTERM']);
    handlers.get('SIGQUIT')!();
    expect(calls).toEqual(['stopNow']);
  });
});
