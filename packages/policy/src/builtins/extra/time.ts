import type { BuiltinDef } from '../types.ts';
import { normalizeNumber, type Value } from '../../value.ts';
import { builtinError, intArg, stringArg, typeError } from './args.ts';
import {
  GoTime,
  GoTimeError,
  goDate,
  loadLocation,
  MAX_INT64,
  MIN_INT64,
  NAMED_LAYOUTS,
  parseDuration,
  parseTime,
  UTC,
  type Zone,
} from './gotime.ts';

// OPA's time.* builtins (topdown/time.go) over the Go time model in gotime.ts.

const TZ_OPERAND = 'either number (ns) or [number (ns), string (tz)]';

/** Runs `fn`, turning Go time errors into builtin errors of `name`. */
function guarded<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GoTimeError) throw builtinError(name, e.message);
    throw e;
  }
}

/** OPA's toSafeUnixNano: the instant as int64 nanoseconds, or an error outside that range. */
function safeUnixNano(name: string, t: GoTime): Value {
  const ns = t.unixNano();
  if (ns < MIN_INT64 || ns > MAX_INT64) throw builtinError(name, 'time outside of valid range');
  return normalizeNumber(ns);
}

/** OPA's tzTime: `ns` or `[ns, tz]` or `[ns, tz, layout]`. */
function tzTime(name: string, a: Value): { t: GoTime; layout: string } {
  let n: Value;
  let zone: Zone = UTC;
  let layout = '';
  if (Array.isArray(a)) {
    if (a.length === 0) throw typeError(name, 1, a, TZ_OPERAND);
    n = a[0]!;
    if (typeof n !== 'number' && typeof n !== 'bigint') throw typeError(name, 1, n, 'number');
    if (a.length > 1) {
      const tz = a[1]!;
      if (typeof tz !== 'string') throw typeError(name, 1, tz, 'string');
      zone = guarded(name, () => loadLocation(tz));
    }
    if (a.length > 2) {
      const l = a[2]!;
      if (typeof l !== 'string') throw typeError(name, 1, l, 'string');
      layout = l;
    }
  } else if (typeof a === 'number' || typeof a === 'bigint') {
    n = a;
  } else {
    throw typeError(name, 1, a, TZ_OPERAND);
  }
  let ns: bigint;
  if (typeof n === 'bigint') ns = n;
  else if (Number.isInteger(n)) ns = BigInt(n);
  else throw builtinError(name, 'timestamp too big');
  if (ns < MIN_INT64 || ns > MAX_INT64) throw builtinError(name, 'timestamp too big');
  return { t: GoTime.fromUnixNano(ns, zone), layout };
}

const resolveLayout = (layout: string) => NAMED_LAYOUTS[layout] ?? layout;

export const timeBuiltins: BuiltinDef[] = [
  {
    name: 'time.now_ns',
    arity: 0,
    nondeterministic: true,
    impl: (_args, ctx) => normalizeNumber(ctx.nowNs),
  },
  {
    name: 'time.parse_ns',
    arity: 2,
    impl: (args) => {
      const layout = stringArg('time.parse_ns', args, 0);
      const value = stringArg('time.parse_ns', args, 1);
      const t = guarded('time.parse_ns', () => parseTime(resolveLayout(layout), value));
      return safeUnixNano('time.parse_ns', t);
    },
  },
  {
    name: 'time.parse_rfc3339_ns',
    arity: 1,
    impl: (args) => {
      const value = stringArg('time.parse_rfc3339_ns', args, 0);
      const t = guarded('time.parse_rfc3339_ns', () => parseTime(NAMED_LAYOUTS.RFC3339!, value));
      return safeUnixNano('time.parse_rfc3339_ns', t);
    },
  },
  {
    name: 'time.parse_duration_ns',
    arity: 1,
    impl: (args) => {
      const d = stringArg('time.parse_duration_ns', args, 0);
      return normalizeNumber(guarded('time.parse_duration_ns', () => parseDuration(d)));
    },
  },
  {
    name: 'time.format',
    arity: 1,
    impl: (args) => {
      const { t, layout } = tzTime('time.format', args[0]!);
      return t.format(layout === '' ? NAMED_LAYOUTS.RFC3339Nano! : resolveLayout(layout));
    },
  },
  {
    name: 'time.date',
    arity: 1,
    impl: (args) => {
      const f = tzTime('time.date', args[0]!).t.fields();
      return [f.year, f.month, f.day];
    },
  },
  {
    name: 'time.clock',
    arity: 1,
    impl: (args) => {
      const f = tzTime('time.clock', args[0]!).t.fields();
      return [f.hour, f.minute, f.second];
    },
  },
  {
    name: 'time.weekday',
    arity: 1,
    impl: (args) => tzTime('time.weekday', args[0]!).t.weekdayName(),
  },
  {
    name: 'time.add_date',
    arity: 4,
    impl: (args) => {
      const { t } = tzTime('time.add_date', args[0]!);
      const years = Number(intArg('time.add_date', args, 1));
      const months = Number(intArg('time.add_date', args, 2));
      const days = Number(intArg('time.add_date', args, 3));
      return safeUnixNano('time.add_date', t.addDate(years, months, days));
    },
  },
  {
    name: 'time.diff',
    arity: 2,
    impl: (args) => {
      let t1 = tzTime('time.diff', args[0]!).t;
      let t2 = tzTime('time.diff', args[1]!).t;
      if (t1.zone !== t2.zone) t2 = t2.in(t1.zone);
      if (t2.before(t1)) [t1, t2] = [t2, t1];
      const a = t1.fields();
      const b = t2.fields();
      let year = b.year - a.year;
      let month = b.month - a.month;
      let day = b.day - a.day;
      let hour = b.hour - a.hour;
      let min = b.minute - a.minute;
      let sec = b.second - a.second;
      // Borrow from the next larger unit, as in github.com/icza/gox (which OPA uses).
      if (sec < 0) {
        sec += 60;
        min--;
      }
      if (min < 0) {
        min += 60;
        hour--;
      }
      if (hour < 0) {
        hour += 24;
        day--;
      }
      if (day < 0) {
        // Days in t1's month: the day of month that "day 32" of it lands on.
        const overflow = goDate(a.year, a.month, 32, 0, 0, 0, 0, UTC).fields().day;
        day += 32 - overflow;
        month--;
      }
      if (month < 0) {
        month += 12;
        year--;
      }
      return [year, month, day, hour, min, sec];
    },
  },
];
