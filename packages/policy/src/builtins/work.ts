import { PolicyError } from '../errors.ts';
import type { BuiltinContext } from './types.ts';

// Budget cooperation for builtins. The evaluator checks its time and step budget between
// expressions; a builtin that loops over its arguments must also report its work, or one call
// on a huge input (or an exponential traversal) runs past the budget. Units are roughly "one
// element visited" or "64 characters scanned"; `BuiltinContext.tick` batches them and reads the
// clock about every 1024 units, so calling it per element is cheap.

/** Charges `units` of work to the evaluation budget; throws PolicyBudgetError when it is spent. */
export function charge(ctx: BuiltinContext | undefined, units: number): void {
  if (units > 0) ctx?.tick?.(units);
}

/**
 * For builtins that turn their own failures into "undefined" with a catch-all: errors that must
 * still escape (the budget ran out, the evaluation was aborted, the JS stack overflowed).
 */
export function mustPropagate(e: unknown): boolean {
  return e instanceof PolicyError || (e instanceof RangeError && /call stack/i.test(e.message));
}

/** Units for scanning a string once (one per 64 UTF-16 code units). */
export function textUnits(s: string): number {
  return s.length >>> 6;
}

/**
 * A comparator that charges one unit per comparison (batched), for sorting large collections
 * with a JS comparator: the sort stops mid-way when the budget runs out.
 */
export function chargedComparator<T>(ctx: BuiltinContext | undefined, cmp: (a: T, b: T) => number): (a: T, b: T) => number {
  const tick = ctx?.tick;
  if (tick === undefined) return cmp;
  let n = 0;
  return (a, b) => {
    if (++n === 256) {
      n = 0;
      tick(256);
    }
    return cmp(a, b);
  };
}
