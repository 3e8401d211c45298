// object.* builtins.

import { equals, RObject, RSet, type Value } from '../../value.ts';
import { BuiltinTypeError, type BuiltinContext, type BuiltinDef } from '../types.ts';
import { charge } from '../work.ts';
import { arr, def, elementError, elements, obj, typeError } from './helpers.ts';

/**
 * OPA's Object.Filter: keeps what the filter tree selects; a null leaf keeps the whole value,
 * array elements are selected by their index as a string and close up.
 */
export function filterValue(v: Value, filter: Value, ctx?: BuiltinContext): Value {
  if (filter === null) return v;
  const f = filter as RObject;
  charge(ctx, 1);
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, sub] of f.entries()) {
      const x = v.get(k);
      if (x !== undefined) out.set(k, filterValue(x, sub, ctx));
    }
    return out;
  }
  if (Array.isArray(v)) {
    charge(ctx, v.length);
    const out: Value[] = [];
    v.forEach((x, i) => {
      const sub = f.get(String(i));
      if (sub !== undefined) out.push(filterValue(x, sub, ctx));
    });
    return out;
  }
  if (v instanceof RSet) {
    charge(ctx, v.size);
    const out = new RSet();
    for (const x of v.values()) {
      const sub = f.get(x);
      if (sub !== undefined) out.add(filterValue(x, sub, ctx));
    }
    return out;
  }
  return v;
}

function keysParam(name: string, v: Value): readonly Value[] {
  if (Array.isArray(v) || v instanceof RSet) return elements(v);
  if (v instanceof RObject) return v.keys();
  throw typeError(name, 2, v, 'object', 'set', 'array');
}

/** Recursive merge; the right side wins unless both values are objects. */
export function mergeObjects(a: RObject, b: RObject, ctx?: BuiltinContext): RObject {
  charge(ctx, a.size);
  return mergeInto(RObject.from(a.entries()), b, ctx);
}

/** Merges `b` into `out`, which the caller owns (freshly built, not yet shared). */
function mergeInto(out: RObject, b: RObject, ctx?: BuiltinContext): RObject {
  charge(ctx, b.size);
  for (const [k, v] of b.entries()) {
    const old = out.get(k);
    out.set(k, old instanceof RObject && v instanceof RObject ? mergeObjects(old, v, ctx) : v);
  }
  return out;
}

/** OPA's Find along a path of keys / indices / set members; undefined when it does not lead anywhere. */
function find(v: Value, path: readonly Value[]): Value | undefined {
  let cur: Value = v;
  for (const seg of path) {
    if (cur instanceof RObject) {
      const next = cur.get(seg);
      if (next === undefined) return undefined;
      cur = next;
    } else if (Array.isArray(cur)) {
      if (typeof seg !== 'number' || !Number.isInteger(seg) || seg < 0 || seg >= cur.length) return undefined;
      cur = cur[seg]!;
    } else if (cur instanceof RSet) {
      if (!cur.has(seg)) return undefined;
      cur = seg;
    } else {
      return undefined;
    }
  }
  return cur;
}

function objectGet([o, key, dflt]: Value[]): Value {
  const target = obj('object.get', o!, 1);
  if (!Array.isArray(key)) return target.get(key!) ?? dflt!;
  if (key.length === 0) return target;
  return find(target, key) ?? dflt!;
}

function setSubset(sup: RSet, sub: RSet): boolean {
  return sub.values().every((x) => sup.has(x));
}

/** The sub array must appear contiguously in the super array (a search charged per position). */
function arraySubset(sup: Value[], sub: Value[], ctx?: BuiltinContext): boolean {
  if (sub.length > sup.length) return false;
  outer: for (let start = 0; start + sub.length <= sup.length; start++) {
    charge(ctx, 1);
    for (let i = 0; i < sub.length; i++) if (!equals(sup[start + i]!, sub[i]!)) continue outer;
    return true;
  }
  return false;
}

function arraySetSubset(sup: Value[], sub: RSet): boolean {
  // Mirrors OPA: an empty set is a subset of any non-empty array, but not of [].
  let unmatched = sub.size;
  for (const x of sup) {
    if (sub.has(x)) unmatched--;
    if (unmatched === 0) return true;
  }
  return false;
}

function objectSubset(sup: RObject, sub: RObject, ctx?: BuiltinContext): boolean {
  for (const [k, subV] of sub.entries()) {
    const supV = sup.get(k);
    if (supV === undefined) return false;
    if (equals(subV, supV)) continue;
    if (supV instanceof RObject && subV instanceof RObject) {
      if (!objectSubset(supV, subV, ctx)) return false;
    } else if (supV instanceof RSet && subV instanceof RSet) {
      if (!setSubset(supV, subV)) return false;
    } else if (Array.isArray(supV) && Array.isArray(subV)) {
      if (!arraySubset(supV, subV, ctx)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function subset([sup, sub]: Value[], ctx: BuiltinContext): Value {
  if (sup instanceof RObject && sub instanceof RObject) return objectSubset(sup, sub, ctx);
  if (sup instanceof RSet && sub instanceof RSet) return setSubset(sup, sub);
  if (Array.isArray(sup) && Array.isArray(sub)) return arraySubset(sup, sub, ctx);
  if (Array.isArray(sup) && sub instanceof RSet) return arraySetSubset(sup, sub);
  throw new BuiltinTypeError('object.subset', 'both arguments object.subset must be of the same type or array and set');
}

export const objectBuiltins: BuiltinDef[] = [
  def('object.get', 3, objectGet),
  def('object.keys', 1, ([o]) => RSet.from(obj('object.keys', o!, 1).keys())),
  def('object.remove', 2, ([o, k], ctx) => {
    const name = 'object.remove';
    const target = obj(name, o!, 1);
    charge(ctx, target.size);
    const drop = RSet.from(keysParam(name, k!));
    return RObject.from(target.entries().filter(([key]) => !drop.has(key)));
  }),
  def('object.filter', 2, ([o, k], ctx) => {
    const name = 'object.filter';
    const target = obj(name, o!, 1);
    const keep = keysParam(name, k!);
    charge(ctx, keep.length);
    return filterValue(target, RObject.from(keep.map((key) => [key, null] as [Value, Value])), ctx);
  }),
  def('object.union', 2, ([a, b], ctx) => mergeObjects(obj('object.union', a!, 1), obj('object.union', b!, 2), ctx)),
  def('object.union_n', 1, ([a], ctx) => {
    const name = 'object.union_n';
    const items = arr(name, a!, 1);
    // One result object filled in place: merging into a copy per element would be quadratic.
    const out = new RObject();
    for (const x of items) {
      if (!(x instanceof RObject)) throw elementError(name, 1, items, x, 'object');
      mergeInto(out, x, ctx);
    }
    return out;
  }),
  def('object.subset', 2, subset),
];
