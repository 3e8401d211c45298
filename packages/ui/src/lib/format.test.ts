import { describe, expect, it } from 'vitest';
import {
  commitTitle,
  commitUrl,
  formatClockTime,
  formatDuration,
  formatElapsed,
  formatExactTime,
  formatRelativeTime,
  logFileName,
  relativeTimeRefreshMs,
  repositoryLabel,
  shortSha,
} from './format.ts';

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [1000, '1s'],
    [59_999, '59s'],
    [60_000, '1m 00s'],
    [65_000, '1m 05s'],
    [3_599_000, '59m 59s'],
    [3_600_000, '1h 00m'],
    [3_720_000, '1h 02m'],
    [90_000_000, '1d 1h'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('answers a dash for impossible durations', () => {
    expect(formatDuration(-5)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('shows whole seconds for ticking durations', () => {
    expect(formatElapsed(400)).toBe('0s');
    expect(formatElapsed(12_400)).toBe('12s');
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');
  it.each([
    ['2026-11-25T11:59:55Z', 'just now'],
    ['2026-11-25T12:00:30Z', 'just now'], // clock skew: future
    ['2026-11-25T11:59:15Z', '45s ago'],
    ['2026-11-25T11:48:00Z', '12m ago'],
    ['2026-11-25T09:00:00Z', '3h ago'],
    ['2026-11-23T12:00:00Z', '2d ago'],
    ['2026-03-04T12:00:00Z', 'Mar 4'],
    ['2024-03-04T12:00:00Z', 'Mar 4, 2024'],
    // Deadlines ahead (an invitation that expires).
    ['2026-11-25T12:05:00Z', 'in 5m'],
    ['2026-11-25T15:00:00Z', 'in 3h'],
    ['2026-12-02T12:00:00Z', 'in 7d'],
    ['2027-03-04T12:00:00Z', 'Mar 4, 2027'],
  ])('%s → %s', (iso, text) => {
    expect(formatRelativeTime(iso, now)).toBe(text);
  });

  it('accepts Date objects and rejects garbage', () => {
    expect(formatRelativeTime(new Date(now - 120_000), new Date(now))).toBe('2m ago');
    expect(formatRelativeTime('not a date', now)).toBe('—');
  });

  it('refreshes fast for recent times and slowly for old ones', () => {
    expect(relativeTimeRefreshMs(now - 5000, now)).toBe(1000);
    expect(relativeTimeRefreshMs(now - 10 * 60_000, now)).toBe(15_000);
    expect(relativeTimeRefreshMs(now - 5 * 3_600_000, now)).toBe(300_000);
    // A deadline days ahead does not tick every second.
    expect(relativeTimeRefreshMs(now + 7 * 86_400_000, now)).toBe(300_000);
  });
});

describe('exact times', () => {
  it('formats in UTC, sortable', () => {
    expect(formatExactTime('2026-11-25T08:32:10.123Z')).toBe('2026-11-25 08:32:10 UTC');
    expect(formatClockTime('2026-11-25T08:32:10.123Z')).toBe('08:32:10');
    expect(formatExactTime('nope')).toBe('—');
  });

  it('shows exact and clock times in the viewer\'s zone, with UTC beside the exact one', () => {
    expect(formatExactTime('2026-11-25T08:32:10.123Z', 'Europe/Berlin')).toBe('2026-11-25 09:32:10 GMT+1 (08:32:10 UTC)');
    expect(formatExactTime('2026-07-01T23:30:00Z', 'America/New_York')).toBe('2026-07-01 19:30:00 EDT (23:30:00 UTC)');
    expect(formatExactTime('2026-11-25T08:32:10Z', 'Etc/UTC')).toBe('2026-11-25 08:32:10 UTC');
    expect(formatClockTime('2026-11-25T23:32:10Z', 'Asia/Tokyo')).toBe('08:32:10');
    expect(formatClockTime('2026-11-25T08:32:10Z', 'UTC')).toBe('08:32:10');
  });
});

describe('commits and repositories', () => {
  it('shortens SHAs and takes the first line of a message', () => {
    expect(shortSha('0123456789abcdef')).toBe('0123456');
    expect(shortSha(null)).toBe('—');
    expect(commitTitle('Add bucket\n\nLong body')).toBe('Add bucket');
    expect(commitTitle(null)).toBe('');
  });

  it('links commits on known forges only', () => {
    expect(commitUrl('https://github.com/acme/infra.git', 'abc1234')).toBe('https://github.com/acme/infra/commit/abc1234');
    expect(commitUrl('https://gitlab.com/acme/infra', 'abc1234')).toBe('https://gitlab.com/acme/infra/-/commit/abc1234');
    expect(commitUrl('file:///tmp/repo', 'abc1234')).toBeNull();
    expect(commitUrl('https://github.com/acme/infra', 'not-a-sha')).toBeNull();
  });

  it('labels repositories by owner/name', () => {
    expect(repositoryLabel('https://github.com/acme/infra.git')).toBe('acme/infra');
    expect(repositoryLabel('git@github.com:acme/infra.git')).toBe('acme/infra');
    expect(repositoryLabel('file:///tmp/fixtures/repo')).toBe('fixtures/repo');
  });
});

describe('logFileName', () => {
  it('keeps letters, digits, dots and dashes, lower-cased, other runs become one dash', () => {
    expect(logFileName('Prod VPC-run-8f3a2c1d-PLANNING')).toBe('prod-vpc-run-8f3a2c1d-planning');
    expect(logFileName('team/app: eu-west-1 (blue)-run-1-APPLYING')).toBe('team-app-eu-west-1-blue-run-1-applying');
    expect(logFileName('PREPARING_APPLY')).toBe('preparing_apply');
  });

  it('drops accents, leading dots and trailing dashes, and never returns an empty or hidden name', () => {
    expect(logFileName('Équipe réseau')).toBe('equipe-reseau');
    expect(logFileName('../../etc/passwd')).toBe('etc-passwd');
    expect(logFileName('###')).toBe('log');
    expect(logFileName('')).toBe('log');
  });

  it('caps the length', () => {
    const name = logFileName(`${'a'.repeat(200)}-planning`);
    expect(name.length).toBeLessThanOrEqual(120);
    expect(name).toMatch(/^a+$/);
  });
});
