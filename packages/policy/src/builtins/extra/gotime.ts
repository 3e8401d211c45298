// A small model of Go's `time` package, as far as OPA's time.* builtins use it: instants with
// nanosecond precision in a location (UTC, a fixed offset, or an IANA zone resolved through Intl),
// Go reference-time layouts for Format and Parse, Date normalisation and ParseDuration.
// Written from Go's documented semantics; error texts match Go's so OPA's messages carry over.

import { goQuote } from '../core/helpers.ts';

export class GoTimeError extends Error {}

// ---------------------------------------------------------------------------------------------
// Locations

export interface Zone {
  /** Name as Go reports it (`UTC`, `Asia/Kolkata`, or a fabricated zone's abbreviation). */
  readonly name: string;
  offsetAt(unixSec: number): number;
  abbrevAt(unixSec: number): string;
}

export const UTC: Zone = { name: 'UTC', offsetAt: () => 0, abbrevAt: () => 'UTC' };

export function fixedZone(name: string, offset: number): Zone {
  return { name, offsetAt: () => offset, abbrevAt: () => name };
}

const zoneCache = new Map<string, Zone>();

/** Go's time.LoadLocation, backed by the ICU time-zone database of Node's Intl. */
export function loadLocation(name: string): Zone {
  if (name === '' || name === 'UTC') return UTC;
  if (name === 'Local') return UTC; // servers run in UTC; keeps results deterministic
  const cached = zoneCache.get(name);
  if (cached) return cached;
  let fields: Intl.DateTimeFormat;
  let abbrev: Intl.DateTimeFormat;
  try {
    fields = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    abbrev = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'short' });
  } catch {
    throw new GoTimeError(`unknown time zone ${name}`);
  }
  const offsetAt = (unixSec: number): number => {
    const parts = fields.formatToParts(new Date(unixSec * 1000));
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? '0');
    let year = get('year');
    if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
    const wall = daysFromCivil(year, get('month'), get('day')) * 86400 + get('hour') * 3600 + get('minute') * 60 + get('second');
    return wall - Math.floor(unixSec);
  };
  const abbrevAt = (unixSec: number): string => {
    const raw = abbrev.formatToParts(new Date(unixSec * 1000)).find((p) => p.type === 'timeZoneName')?.value ?? '';
    // ICU names zones without a letter abbreviation "GMT+5:30"; the tz database calls them "+0530".
    const m = /^GMT([+-])(\d{1,2})(?::(\d{2}))?$/.exec(raw);
    if (m) return m[1]! + m[2]!.padStart(2, '0') + (m[3] && m[3] !== '00' ? m[3] : '');
    return raw;
  };
  const zone: Zone = { name, offsetAt, abbrevAt };
  zoneCache.set(name, zone);
  return zone;
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, days relative to 1970-01-01).

export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// ---------------------------------------------------------------------------------------------
// Instants

const NS = 1_000_000_000n;
export const MIN_INT64 = -(2n ** 63n);
export const MAX_INT64 = 2n ** 63n - 1n;

export class GoTime {
  /** `sec` is whole Unix seconds, `nsec` in [0, 1e9). */
  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly zone: Zone,
  ) {}

  static fromUnixNano(ns: bigint, zone: Zone = UTC): GoTime {
    let sec = ns / NS;
    let nsec = ns % NS;
    if (nsec < 0n) {
      nsec += NS;
      sec -= 1n;
    }
    return new GoTime(Number(sec), Number(nsec), zone);
  }

  unixNano(): bigint {
    return BigInt(this.sec) * NS + BigInt(this.nsec);
  }

  in(zone: Zone): GoTime {
    return new GoTime(this.sec, this.nsec, zone);
  }

  offset(): number {
    return this.zone.offsetAt(this.sec);
  }

  /** Wall-clock fields in the time's location. */
  fields(): { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number; yday: number } {
    const wall = this.sec + this.offset();
    const days = Math.floor(wall / 86400);
    const secOfDay = wall - days * 86400;
    const [year, month, day] = civilFromDays(days);
    return {
      year,
      month,
      day,
      hour: Math.floor(secOfDay / 3600),
      minute: Math.floor((secOfDay % 3600) / 60),
      second: secOfDay % 60,
      weekday: (((days + 4) % 7) + 7) % 7,
      yday: days - daysFromCivil(year, 1, 1) + 1,
    };
  }

  before(o: GoTime): boolean {
    return this.sec < o.sec || (this.sec === o.sec && this.nsec < o.nsec);
  }

  weekdayName(): string {
    return LONG_DAYS[this.fields().weekday]!;
  }

  /** Go's Time.AddDate. */
  addDate(years: number, months: number, days: number): GoTime {
    const f = this.fields();
    return goDate(f.year + years, f.month + months, f.day + days, f.hour, f.minute, f.second, this.nsec, this.zone);
  }

  format(layout: string): string {
    return formatTime(this, layout);
  }
}

/** Go's time.Date: normalises overflowing fields and resolves the wall time in `zone`. */
export function goDate(year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: number, zone: Zone): GoTime {
  // Normalise month into [1, 12], carrying into the year.
  let m0 = month - 1;
  year += Math.floor(m0 / 12);
  m0 = ((m0 % 12) + 12) % 12;
  sec += Math.floor(nsec / 1e9);
  nsec = ((nsec % 1e9) + 1e9) % 1e9;
  const wall = daysFromCivil(year, m0 + 1, 1) * 86400 + (day - 1) * 86400 + hour * 3600 + min * 60 + sec;
  // Find the offset in effect at that wall time: try the offset at the wall clock read as UTC,
  // then correct it if the resulting instant falls under a different offset (as Go does).
  let offset = zone.offsetAt(wall);
  if (offset !== 0) {
    const second = zone.offsetAt(wall - offset);
    if (second !== offset) offset = second;
  }
  return new GoTime(wall - offset, nsec, zone);
}

// ---------------------------------------------------------------------------------------------
// Layouts

/** OPA's named layouts (Go's constants). */
export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

type Std =
  | { k: 'longMonth' | 'month' | 'numMonth' | 'zeroMonth' }
  | { k: 'longWeekDay' | 'weekDay' }
  | { k: 'day' | 'underDay' | 'zeroDay' | 'underYearDay' | 'zeroYearDay' }
  | { k: 'hour' | 'hour12' | 'zeroHour12' | 'minute' | 'zeroMinute' | 'second' | 'zeroSecond' }
  | { k: 'longYear' | 'year' }
  | { k: 'PM' | 'pm' | 'TZ' }
  | { k: 'tz'; iso: boolean; colon: boolean; seconds: boolean; short: boolean }
  | { k: 'frac'; nines: boolean; digits: number; sep: string };

interface Chunk {
  prefix: string;
  std: Std | null;
  stdText: string;
  suffix: string;
}

const startsWithLower = (s: string) => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';
const isDigitAt = (s: string, i: number) => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** Go's nextStdChunk: the literal prefix, the first layout element, and the rest. */
function nextStdChunk(layout: string): Chunk {
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const at = (len: number, std: Std, start = i): Chunk => ({
      prefix: layout.slice(0, start),
      std,
      stdText: layout.slice(start, i + len),
      suffix: layout.slice(i + len),
    });
    const rest = layout.slice(i);
    switch (c) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return at(7, { k: 'longMonth' });
          if (!startsWithLower(rest.slice(3))) return at(3, { k: 'month' });
        }
        break;
      case 'M':
        if (rest.length >= 3) {
          if (rest.startsWith('Mon')) {
            if (rest.startsWith('Monday')) return at(6, { k: 'longWeekDay' });
            if (!startsWithLower(rest.slice(3))) return at(3, { k: 'weekDay' });
          }
          if (rest.startsWith('MST')) return at(3, { k: 'TZ' });
        }
        break;
      case '0':
        if (rest.length >= 2 && rest[1]! >= '1' && rest[1]! <= '6') {
          const kinds = ['zeroMonth', 'zeroDay', 'zeroHour12', 'zeroMinute', 'zeroSecond', 'year'] as const;
          return at(2, { k: kinds[Number(rest[1]) - 1]! } as Std);
        }
        if (rest.startsWith('002')) return at(3, { k: 'zeroYearDay' });
        break;
      case '1':
        if (rest.startsWith('15')) return at(2, { k: 'hour' });
        return at(1, { k: 'numMonth' });
      case '2':
        if (rest.startsWith('2006')) return at(4, { k: 'longYear' });
        return at(1, { k: 'day' });
      case '_':
        if (rest.length >= 2 && rest[1] === '2') {
          if (rest.startsWith('_2006')) {
            return { prefix: layout.slice(0, i + 1), std: { k: 'longYear' }, stdText: '2006', suffix: layout.slice(i + 5) };
          }
          return at(2, { k: 'underDay' });
        }
        if (rest.startsWith('__2')) return at(3, { k: 'underYearDay' });
        break;
      case '3':
        return at(1, { k: 'hour12' });
      case '4':
        return at(1, { k: 'minute' });
      case '5':
        return at(1, { k: 'second' });
      case 'P':
        if (rest.startsWith('PM')) return at(2, { k: 'PM' });
        break;
      case 'p':
        if (rest.startsWith('pm')) return at(2, { k: 'pm' });
        break;
      case '-':
      case 'Z': {
        const iso = c === 'Z';
        const forms: [string, Omit<Extract<Std, { k: 'tz' }>, 'k' | 'iso'>][] = [
          ['070000', { colon: false, seconds: true, short: false }],
          ['07:00:00', { colon: true, seconds: true, short: false }],
          ['0700', { colon: false, seconds: false, short: false }],
          ['07:00', { colon: true, seconds: false, short: false }],
          ['07', { colon: false, seconds: false, short: true }],
        ];
        for (const [text, shape] of forms) {
          if (rest.slice(1).startsWith(text)) return at(1 + text.length, { k: 'tz', iso, ...shape });
        }
        break;
      }
      case '.':
      case ',':
        if (i + 1 < layout.length && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
          const ch = layout[i + 1]!;
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return at(j - i, { k: 'frac', nines: ch === '9', digits: j - (i + 1), sep: c });
          }
        }
        break;
    }
  }
  return { prefix: layout, std: null, stdText: '', suffix: '' };
}

const pad = (n: number, width: number) => {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
};

function formatTime(t: GoTime, layout: string): string {
  const f = t.fields();
  const offset = t.offset();
  let out = '';
  while (layout !== '') {
    const { prefix, std, suffix } = nextStdChunk(layout);
    out += prefix;
    if (!std) break;
    layout = suffix;
    switch (std.k) {
      case 'year':
        out += pad(((f.year % 100) + 100) % 100, 2);
        break;
      case 'longYear':
        out += pad(f.year, 4);
        break;
      case 'month':
        out += LONG_MONTHS[f.month - 1]!.slice(0, 3);
        break;
      case 'longMonth':
        out += LONG_MONTHS[f.month - 1]!;
        break;
      case 'numMonth':
        out += String(f.month);
        break;
      case 'zeroMonth':
        out += pad(f.month, 2);
        break;
      case 'weekDay':
        out += LONG_DAYS[f.weekday]!.slice(0, 3);
        break;
      case 'longWeekDay':
        out += LONG_DAYS[f.weekday]!;
        break;
      case 'day':
        out += String(f.day);
        break;
      case 'underDay':
        out += (f.day < 10 ? ' ' : '') + String(f.day);
        break;
      case 'zeroDay':
        out += pad(f.day, 2);
        break;
      case 'underYearDay':
        out += String(f.yday).padStart(3, ' ');
        break;
      case 'zeroYearDay':
        out += pad(f.yday, 3);
        break;
      case 'hour':
        out += pad(f.hour, 2);
        break;
      case 'hour12':
        out += String(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case 'zeroHour12':
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, 2);
        break;
      case 'minute':
        out += String(f.minute);
        break;
      case 'zeroMinute':
        out += pad(f.minute, 2);
        break;
      case 'second':
        out += String(f.second);
        break;
      case 'zeroSecond':
        out += pad(f.second, 2);
        break;
      case 'PM':
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      case 'tz': {
        if (std.iso && offset === 0) {
          out += 'Z';
          break;
        }
        let zone = Math.trunc(offset / 60);
        let abs = offset;
        if (zone < 0) {
          out += '-';
          zone = -zone;
          abs = -abs;
        } else out += '+';
        out += pad(Math.floor(zone / 60), 2);
        if (std.colon) out += ':';
        if (!std.short) out += pad(zone % 60, 2);
        if (std.seconds) {
          if (std.colon) out += ':';
          out += pad(abs % 60, 2);
        }
        break;
      }
      case 'TZ': {
        const name = t.zone.abbrevAt(t.sec);
        if (name !== '') {
          out += name;
          break;
        }
        let zone = Math.trunc(offset / 60);
        if (zone < 0) {
          out += '-';
          zone = -zone;
        } else out += '+';
        out += pad(Math.floor(zone / 60), 2) + pad(zone % 60, 2);
        break;
      }
      case 'frac': {
        const digits = String(t.nsec).padStart(9, '0').slice(0, std.digits);
        if (std.nines) {
          const trimmed = digits.replace(/0+$/, '');
          if (trimmed !== '') out += std.sep + trimmed;
        } else out += std.sep + digits;
        break;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parsing

function parseError(layout: string, value: string, layoutElem: string, valueElem: string, message: string): GoTimeError {
  if (message === '') {
    return new GoTimeError(
      `parsing time ${goQuote(value)} as ${goQuote(layout)}: cannot parse ${goQuote(valueElem)} as ${goQuote(layoutElem)}`,
    );
  }
  return new GoTimeError(`parsing time ${goQuote(value)}${message}`);
}

class Bad extends Error {}

const cutspace = (s: string) => s.replace(/^ +/, '');

function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') throw new Bad();
      prefix = cutspace(prefix);
      value = cutspace(value);
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) throw new Bad();
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigitAt(s, 0)) throw new Bad();
  if (!isDigitAt(s, 1)) {
    if (fixed) throw new Bad();
    return [Number(s[0]), s.slice(1)];
  }
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + Number(s[i]);
  if (i === 0 || (fixed && i !== 3)) throw new Bad();
  return [n, s.slice(i)];
}

function lookupName(names: string[], value: string): [number, string] {
  for (let i = 0; i < names.length; i++) {
    const n = names[i]!;
    if (value.length >= n.length && value.slice(0, n.length).toLowerCase() === n.toLowerCase()) return [i, value.slice(n.length)];
  }
  throw new Bad();
}

/** Returns [nanoseconds, rangeError]. */
function parseNanoseconds(value: string, nbytes: number): [number, string] {
  if (value[0] !== '.' && value[0] !== ',') throw new Bad();
  if (nbytes > 10) nbytes = 10;
  const digits = value.slice(1, nbytes);
  if (!/^\d*$/.test(digits)) throw new Bad();
  let ns = digits === '' ? 0 : Number(digits);
  for (let i = 0; i < 10 - nbytes; i++) ns *= 10;
  return [ns, ''];
}

function parseSignedOffset(value: string): number {
  const sign = value[0];
  if (sign !== '-' && sign !== '+') return 0;
  const m = /^\d+/.exec(value.slice(1));
  if (!m) return 0;
  const x = Number(m[0]);
  if (x > 23) return 0;
  return 1 + m[0].length;
}

function parseGMT(value: string): number {
  value = value.slice(3);
  if (value.length === 0) return 3;
  return 3 + parseSignedOffset(value);
}

/** Go's parseTimeZone: length of a plausible zone abbreviation at the start of value. */
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return parseGMT(value);
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let nUpper = 0;
  for (; nUpper < 6; nUpper++) {
    if (nUpper >= value.length) break;
    const c = value[nUpper]!;
    if (c < 'A' || c > 'Z') break;
  }
  switch (nUpper) {
    case 5:
      return value[4] === 'T' ? 5 : 0;
    case 4:
      return value[3] === 'T' || value.startsWith('WITA') ? 4 : 0;
    case 3:
      return 3;
    default:
      return 0;
  }
}

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/** Go's time.Parse (in UTC by default). */
export function parseTime(layout: string, value: string): GoTime {
  const alayout = layout;
  const avalue = value;
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: Zone | null = null;
  let zoneOffset = -1;
  let zoneName = '';

  for (;;) {
    const { prefix, std, stdText, suffix } = nextStdChunk(layout);
    try {
      value = skip(value, prefix);
    } catch {
      throw parseError(alayout, avalue, prefix, value, '');
    }
    if (!std) {
      if (value.length > 0) throw parseError(alayout, avalue, '', value, ': extra text: ' + goQuote(value));
      break;
    }
    layout = suffix;
    const hold = value;
    let rangeErr = '';
    try {
      switch (std.k) {
        case 'year': {
          if (value.length < 2) throw new Bad();
          const p = value.slice(0, 2);
          if (!/^\d\d$/.test(p)) throw new Bad();
          value = value.slice(2);
          year = Number(p);
          year += year >= 69 ? 1900 : 2000;
          break;
        }
        case 'longYear': {
          if (value.length < 4 || !isDigitAt(value, 0)) throw new Bad();
          const p = value.slice(0, 4);
          if (!/^\d{4}$/.test(p)) throw new Bad();
          value = value.slice(4);
          year = Number(p);
          break;
        }
        case 'month':
          [month, value] = lookupName(LONG_MONTHS.map((m) => m.slice(0, 3)), value);
          month++;
          break;
        case 'longMonth':
          [month, value] = lookupName(LONG_MONTHS, value);
          month++;
          break;
        case 'numMonth':
        case 'zeroMonth':
          [month, value] = getnum(value, std.k === 'zeroMonth');
          if (month <= 0 || month > 12) rangeErr = 'month';
          break;
        case 'weekDay':
          [, value] = lookupName(LONG_DAYS.map((d) => d.slice(0, 3)), value);
          break;
        case 'longWeekDay':
          [, value] = lookupName(LONG_DAYS, value);
          break;
        case 'day':
        case 'underDay':
        case 'zeroDay':
          if (std.k === 'underDay' && value[0] === ' ') value = value.slice(1);
          [day, value] = getnum(value, std.k === 'zeroDay');
          break;
        case 'underYearDay':
        case 'zeroYearDay':
          for (let i = 0; i < 2; i++) if (std.k === 'underYearDay' && value[0] === ' ') value = value.slice(1);
          [yday, value] = getnum3(value, std.k === 'zeroYearDay');
          break;
        case 'hour':
          [hour, value] = getnum(value, false);
          if (hour < 0 || hour >= 24) rangeErr = 'hour';
          break;
        case 'hour12':
        case 'zeroHour12':
          [hour, value] = getnum(value, std.k === 'zeroHour12');
          if (hour < 0 || hour > 12) rangeErr = 'hour';
          break;
        case 'minute':
        case 'zeroMinute':
          [min, value] = getnum(value, std.k === 'zeroMinute');
          if (min < 0 || min >= 60) rangeErr = 'minute';
          break;
        case 'second':
        case 'zeroSecond': {
          [sec, value] = getnum(value, std.k === 'zeroSecond');
          if (sec < 0 || sec >= 60) {
            rangeErr = 'second';
            break;
          }
          // A fractional second in the value but not in the layout is accepted.
          if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
            const next = nextStdChunk(layout).std;
            if (next?.k === 'frac') break;
            let n = 2;
            while (n < value.length && isDigitAt(value, n)) n++;
            [nsec, rangeErr] = parseNanoseconds(value, n);
            value = value.slice(n);
          }
          break;
        }
        case 'PM':
        case 'pm': {
          if (value.length < 2) throw new Bad();
          const p = value.slice(0, 2);
          value = value.slice(2);
          const [am, pm] = std.k === 'PM' ? ['AM', 'PM'] : ['am', 'pm'];
          if (p === pm) pmSet = true;
          else if (p === am) amSet = true;
          else throw new Bad();
          break;
        }
        case 'tz': {
          if (std.iso && value[0] === 'Z') {
            value = value.slice(1);
            z = UTC;
            break;
          }
          let sign: string, hh: string, mm: string, ss: string;
          if (std.colon && !std.seconds) {
            if (value.length < 6 || value[3] !== ':') throw new Bad();
            [sign, hh, mm, ss, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(4, 6), '00', value.slice(6)];
          } else if (std.short) {
            if (value.length < 3) throw new Bad();
            [sign, hh, mm, ss, value] = [value.slice(0, 1), value.slice(1, 3), '00', '00', value.slice(3)];
          } else if (std.colon && std.seconds) {
            if (value.length < 9 || value[3] !== ':' || value[6] !== ':') throw new Bad();
            [sign, hh, mm, ss, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(4, 6), value.slice(7, 9), value.slice(9)];
          } else if (std.seconds) {
            if (value.length < 7) throw new Bad();
            [sign, hh, mm, ss, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(3, 5), value.slice(5, 7), value.slice(7)];
          } else {
            if (value.length < 5) throw new Bad();
            [sign, hh, mm, ss, value] = [value.slice(0, 1), value.slice(1, 3), value.slice(3, 5), '00', value.slice(5)];
          }
          const [hr] = getnum(hh, true);
          const [mi] = getnum(mm, true);
          const [se] = getnum(ss, true);
          if (hr > 24) rangeErr = 'time zone offset hour';
          if (mi > 60) rangeErr = 'time zone offset minute';
          if (se > 60) rangeErr = 'time zone offset second';
          zoneOffset = (hr * 60 + mi) * 60 + se;
          if (sign === '-') zoneOffset = -zoneOffset;
          else if (sign !== '+') throw new Bad();
          break;
        }
        case 'TZ': {
          if (value.startsWith('UTC')) {
            z = UTC;
            value = value.slice(3);
            break;
          }
          const n = parseTimeZone(value);
          if (n === 0) throw new Bad();
          zoneName = value.slice(0, n);
          value = value.slice(n);
          break;
        }
        case 'frac': {
          if (!std.nines) {
            const ndigit = 1 + std.digits;
            if (value.length < ndigit) throw new Bad();
            [nsec, rangeErr] = parseNanoseconds(value, ndigit);
            value = value.slice(ndigit);
          } else {
            if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) break;
            let i = 0;
            while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
            [nsec, rangeErr] = parseNanoseconds(value, 1 + i);
            value = value.slice(1 + i);
          }
          break;
        }
      }
    } catch (e) {
      if (e instanceof Bad) throw parseError(alayout, avalue, stdText, hold, '');
      throw e;
    }
    if (rangeErr !== '') throw parseError(alayout, avalue, stdText, value, ': ' + rangeErr + ' out of range');
  }

  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) throw parseError(alayout, avalue, '', value, ': day-of-year out of range');
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (DAYS_BEFORE[m]! < yday) m++;
      d = yday - DAYS_BEFORE[m - 1]!;
    }
    if (month >= 0 && month !== m) throw parseError(alayout, avalue, '', value, ': day-of-year does not match month');
    month = m;
    if (day >= 0 && day !== d) throw parseError(alayout, avalue, '', value, ': day-of-year does not match day');
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }

  if (day < 1 || day > daysIn(month, year)) throw parseError(alayout, avalue, '', value, ': day out of range');

  if (z) return goDate(year, month, day, hour, min, sec, nsec, z);
  if (zoneOffset !== -1) {
    const t = goDate(year, month, day, hour, min, sec, nsec, UTC);
    return new GoTime(t.sec - zoneOffset, t.nsec, zoneOffset === 0 ? UTC : fixedZone('', zoneOffset));
  }
  if (zoneName !== '') {
    const t = goDate(year, month, day, hour, min, sec, nsec, UTC);
    let offset = 0;
    if (zoneName.length > 3 && zoneName.startsWith('GMT')) offset = Number(zoneName.slice(3)) * 3600;
    return new GoTime(t.sec - offset, t.nsec, fixedZone(zoneName, offset));
  }
  return goDate(year, month, day, hour, min, sec, nsec, UTC);
}

// ---------------------------------------------------------------------------------------------
// Durations

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: NS,
  m: 60n * NS,
  h: 3600n * NS,
  // OPA extends Go's units with days, weeks and (365-day) years.
  d: 86400n * NS,
  w: 7n * 86400n * NS,
  y: 365n * 86400n * NS,
};

/** Go's time.ParseDuration (plus OPA's d, w and y units), in nanoseconds. */
export function parseDuration(s: string): bigint {
  const orig = s;
  const invalid = () => new GoTimeError('time: invalid duration ' + goQuote(orig));
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  const limit = 1n << 63n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigitAt(s, 0))) throw invalid();
    const intPart = /^\d*/.exec(s)![0];
    s = s.slice(intPart.length);
    let fracPart = '';
    let hasFrac = false;
    if (s[0] === '.') {
      s = s.slice(1);
      fracPart = /^\d*/.exec(s)![0];
      s = s.slice(fracPart.length);
      hasFrac = true;
    }
    if (intPart === '' && fracPart === '') throw invalid();
    void hasFrac;
    let u = 0;
    while (u < s.length && s[u] !== '.' && !isDigitAt(s, u)) u++;
    if (u === 0) throw new GoTimeError('time: missing unit in duration ' + goQuote(orig));
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS[unitName];
    if (unit === undefined) throw new GoTimeError('time: unknown unit ' + goQuote(unitName) + ' in duration ' + goQuote(orig));
    const v = BigInt(intPart === '' ? '0' : intPart);
    if (v > (limit - 1n) / unit) throw invalid();
    let part = v * unit;
    if (fracPart !== '') {
      // Go keeps only as many fraction digits as fit exactly and truncates the rest.
      const scale = 10n ** BigInt(fracPart.length);
      part += (BigInt(fracPart) * unit) / scale;
    }
    total += part;
    if (total > limit) throw invalid();
  }
  if (neg) return -total;
  if (total > limit - 1n) throw invalid();
  return total;
}
