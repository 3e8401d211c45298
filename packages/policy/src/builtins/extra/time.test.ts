import { describe, expect, it } from 'vitest';
import { BuiltinError, BuiltinTypeError } from '../types.ts';
import { timeBuiltins } from './time.ts';
import { caller, testContext } from './testing.ts';

const call = caller(timeBuiltins, testContext(1_670_006_453_141_828_752n));

describe('time.parse_ns / parse_rfc3339_ns', () => {
  it('parses Go layouts and named layouts', () => {
    expect(call('time.parse_ns', '2006-01-02T15:04:05Z07:00', '2017-06-02T19:00:00-07:00')).toBe(1496455200000000000n);
    expect(call('time.parse_ns', "01/02 03:04:05PM '06 -0700", "06/02 07:00:00PM '17 -0700")).toBe(1496455200000000000n);
    expect(call('time.parse_ns', '02 Jan 06 15:04 -0700', '02 Jun 17 19:00 -0700')).toBe(1496455200000000000n);
    expect(call('time.parse_ns', 'RFC822Z', '02 Jun 17 19:00 -0700')).toBe(1496455200000000000n);
    expect(call('time.parse_ns', '2006-01-02', '2020-02-02')).toBe(1580601600000000000n);
  });
  it('handles the int64 boundaries exactly', () => {
    expect(call('time.parse_rfc3339_ns', '1677-09-21T00:12:43.145224192-00:00')).toBe(-9223372036854775808n);
    expect(call('time.parse_rfc3339_ns', '2262-04-11T23:47:16.854775807-00:00')).toBe(9223372036854775807n);
    expect(call('time.parse_rfc3339_ns', '1970-01-01T00:00:00-00:00')).toBe(0);
    expect(() => call('time.parse_rfc3339_ns', '1677-09-21T00:12:43.145224191-00:00')).toThrow('time outside of valid range');
    expect(() => call('time.parse_ns', '2006-01-02T15:04:05Z07:00', '2262-04-11T23:47:16.854775808-00:00')).toThrow(BuiltinError);
  });
  it('reports Go parse errors', () => {
    expect(() => call('time.parse_rfc3339_ns', 'nope')).toThrow(
      'time.parse_rfc3339_ns: parsing time "nope" as "2006-01-02T15:04:05Z07:00": cannot parse "nope" as "2006"',
    );
    expect(() => call('time.parse_ns', '2006-01-02', '2021-02-30')).toThrow('parsing time "2021-02-30": day out of range');
    expect(() => call('time.parse_ns', '2006-01-02', '2021-13-01')).toThrow('month out of range');
    expect(() => call('time.parse_ns', '2006-01-02', '2021-01-01x')).toThrow('extra text: "x"');
    expect(() => call('time.parse_ns', 1, 'x')).toThrow(BuiltinTypeError);
  });
  it('accepts fractional seconds not in the layout and zone names', () => {
    expect(call('time.parse_ns', '2006-01-02 15:04:05', '2020-01-01 00:00:00.5')).toBe(1577836800500000000n);
    expect(call('time.parse_ns', 'RFC1123', 'Mon, 02 Jan 2006 15:04:05 UTC')).toBe(1136214245000000000n);
  });
});

describe('time.parse_duration_ns', () => {
  it('parses Go durations', () => {
    expect(call('time.parse_duration_ns', '100ms')).toBe(100000000);
    expect(call('time.parse_duration_ns', '1h30m')).toBe(5400000000000);
    expect(call('time.parse_duration_ns', '1.5s')).toBe(1500000000);
    expect(call('time.parse_duration_ns', '-2µs')).toBe(-2000);
    expect(call('time.parse_duration_ns', '3μs')).toBe(3000);
    expect(call('time.parse_duration_ns', '0')).toBe(0);
    expect(call('time.parse_duration_ns', '365d')).toBe(31536000000000000n);
    expect(call('time.parse_duration_ns', '1w')).toBe(604800000000000);
    expect(call('time.parse_duration_ns', '1y')).toBe(31536000000000000n);
    expect(call('time.parse_duration_ns', '1d2h')).toBe(93600000000000);
  });
  it('rejects bad durations like Go', () => {
    expect(() => call('time.parse_duration_ns', '1')).toThrow('time: missing unit in duration "1"');
    expect(() => call('time.parse_duration_ns', '1x')).toThrow('time: unknown unit "x" in duration "1x"');
    expect(() => call('time.parse_duration_ns', 'abc')).toThrow('time: invalid duration "abc"');
    expect(() => call('time.parse_duration_ns', '9999999999h')).toThrow('time: invalid duration');
  });
});

describe('time.date / clock / weekday', () => {
  it('reads fields in UTC and named zones', () => {
    expect(call('time.date', 1517814000000000000)).toEqual([2018, 2, 5]);
    expect(call('time.date', [1517814000000000000, 'America/Los_Angeles'])).toEqual([2018, 2, 4]);
    expect(call('time.date', [1517832000000000000, ''])).toEqual([2018, 2, 5]);
    expect(call('time.date', 1582977600000000000)).toEqual([2020, 2, 29]);
    expect(call('time.clock', 1517832000000000000)).toEqual([12, 0, 0]);
    expect(call('time.clock', [1517832000000000000, 'America/New_York'])).toEqual([7, 0, 0]);
    expect(call('time.weekday', 1517832000000000000)).toBe('Monday');
    expect(call('time.weekday', 1518350400000000000)).toBe('Sunday');
    expect(call('time.date', -1)).toEqual([1969, 12, 31]);
  });
  it('rejects out-of-range timestamps and unknown zones', () => {
    expect(() => call('time.date', 1582977600 * 1e12)).toThrow('timestamp too big');
    expect(() => call('time.weekday', 1.5)).toThrow('timestamp too big');
    expect(() => call('time.clock', [0, 'Mars/Olympus'])).toThrow('unknown time zone Mars/Olympus');
    expect(() => call('time.clock', [])).toThrow(
      'operand 1 must be either number (ns) or [number (ns), string (tz)] but got array',
    );
    expect(() => call('time.clock', 'x')).toThrow(BuiltinTypeError);
  });
});

describe('time.format', () => {
  const ns = 1670006453141828752n;
  it('formats with default, zone, layout and named layout', () => {
    expect(call('time.format', ns)).toBe('2022-12-02T18:40:53.141828752Z');
    expect(call('time.format', [ns, 'Asia/Kolkata'])).toBe('2022-12-03T00:10:53.141828752+05:30');
    expect(call('time.format', [ns, 'Asia/Kolkata', 'Mon Jan 02 15:04:05 -0700 2006'])).toBe('Sat Dec 03 00:10:53 +0530 2022');
    expect(call('time.format', [ns, 'Asia/Kolkata', 'RFC1123Z'])).toBe('Sat, 03 Dec 2022 00:10:53 +0530');
    expect(call('time.format', [ns, 'UTC', 'Monday January _2 3:4:5 pm .000 002'])).toBe('Friday December  2 6:40:53 pm .141 336');
    expect(call('time.format', [ns, 'America/New_York', 'MST'])).toBe('EST');
  });
  it('rejects too-big timestamps', () => {
    expect(() => call('time.format', 1582977600 * 10e12)).toThrow('timestamp too big');
  });
});

describe('time.add_date / diff / now_ns', () => {
  it('adds calendar units with normalisation', () => {
    expect(call('time.add_date', 1585852421593912000n, 3, 9, 12)).toBe(1705257221593912000n);
    expect(call('time.add_date', 1585852421593912000n, -1, -1, -1)).toBe(1551465221593912000n);
    expect(() => call('time.add_date', 0, 2262, 1, 1)).toThrow('time outside of valid range');
    expect(() => call('time.add_date', -9223372036854775808n, 0, 0, -1)).toThrow('time outside of valid range');
    expect(() => call('time.add_date', 0, 1.5, 0, 0)).toThrow('operand 2 must be integer number');
  });
  it('computes calendar differences', () => {
    const p = (s: string) => call('time.parse_ns', '2006-01-02', s)!;
    const now = 1_670_006_453_141_828_752n;
    expect(call('time.diff', now + 61_000_000_000n, now)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(call('time.diff', [now + 60_000_000_000n, 'UTC'], [now, 'Asia/Shanghai'])).toEqual([0, 0, 0, 0, 1, 0]);
    expect(call('time.diff', p('2020-02-02'), p('2020-03-01'))).toEqual([0, 0, 28, 0, 0, 0]);
    expect(call('time.diff', p('2021-02-02'), p('2021-03-01'))).toEqual([0, 0, 27, 0, 0, 0]);
    expect(call('time.diff', p('2004-02-29'), p('2005-03-01'))).toEqual([1, 0, 1, 0, 0, 0]);
  });
  it('returns the evaluation time', () => {
    expect(call('time.now_ns')).toBe(1670006453141828752n);
  });
});
