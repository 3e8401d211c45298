import { RObject, RSet, type Value, equals } from '../value.ts';
import { type CRef, type CTerm, type Cont, type Frame, TK } from './ir.ts';
import { ctx } from './context.ts';
import { evalDataRef } from './tree.ts';

// Term evaluation and unification over frames. Composite terms reaching these functions contain
// only constants, variables and nested composites (the compiler pulls refs, calls and
// comprehensions out into their own steps), except top-level refs handled by `evalRef`.

/** The value of a term if all its variables are bound, else undefined. */
export function groundValue(t: CTerm, f: Frame): Value | undefined {
  switch (t.k) {
    case TK.Const:
      return t.v;
    case TK.Var:
      return f[t.slot];
    case TK.Array: {
      const items = t.items;
      const out: Value[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) {
        const v = groundValue(items[i]!, f);
        if (v === undefined) return undefined;
        out[i] = v;
      }
      return out;
    }
    case TK.Object: {
      const o = new RObject();
      for (let i = 0; i < t.keys.length; i++) {
        const k = groundValue(t.keys[i]!, f);
        if (k === undefined) return undefined;
        const v = groundValue(t.values[i]!, f);
        if (v === undefined) return undefined;
        o.set(k, v);
      }
      return o;
    }
    case TK.Set: {
      const s = new RSet();
      for (const x of t.items) {
        const v = groundValue(x, f);
        if (v === undefined) return undefined;
        s.add(v);
      }
      return s;
    }
    case TK.Ref:
      return undefined;
  }
}

export function isGround(t: CTerm, f: Frame): boolean {
  switch (t.k) {
    case TK.Const:
      return true;
    case TK.Var:
      return f[t.slot] !== undefined;
    case TK.Array:
    case TK.Set:
      return t.items.every((x) => isGround(x, f));
    case TK.Object:
      return t.keys.every((x) => isGround(x, f)) && t.values.every((x) => isGround(x, f));
    case TK.Ref:
      return false;
  }
}

/** Unifies a pattern term with a value, binding unbound variables; undoes bindings afterwards. */
export function unifyValue(t: CTerm, v: Value, f: Frame, k: Cont): boolean {
  switch (t.k) {
    case TK.Const:
      return equals(t.v, v) ? k() : false;
    case TK.Var: {
      const cur = f[t.slot];
      if (cur !== undefined) return equals(cur, v) ? k() : false;
      f[t.slot] = v;
      const r = k();
      f[t.slot] = undefined;
      return r;
    }
    case TK.Array: {
      if (!Array.isArray(v) || v.length !== t.items.length) return false;
      return unifyItems(t.items, v, 0, f, k);
    }
    case TK.Object: {
      if (!(v instanceof RObject) || v.size !== t.keys.length) return false;
      return unifyObject(t, v, 0, f, k);
    }
    case TK.Set: {
      const g = groundValue(t, f);
      return g !== undefined && equals(g, v) ? k() : false;
    }
    case TK.Ref:
      return evalRef(t, f, (x) => (equals(x, v) ? k() : false));
  }
}

function unifyItems(items: CTerm[], v: Value[], i: number, f: Frame, k: Cont): boolean {
  if (i === items.length) return k();
  const t = items[i]!;
  if (i === items.length - 1) return unifyValue(t, v[i]!, f, k);
  return unifyValue(t, v[i]!, f, () => unifyItems(items, v, i + 1, f, k));
}

function unifyObject(t: CTerm & { k: TK.Object }, v: RObject, i: number, f: Frame, k: Cont): boolean {
  if (i === t.keys.length) return k();
  const key = groundValue(t.keys[i]!, f);
  if (key === undefined) return false;
  const x = v.get(key);
  if (x === undefined) return false;
  return unifyValue(t.values[i]!, x, f, () => unifyObject(t, v, i + 1, f, k));
}

/** General unification of two terms (either may be a ref or a partially bound composite). */
export function unifyTerms(a: CTerm, b: CTerm, f: Frame, k: Cont): boolean {
  if (a.k === TK.Ref) return evalRef(a, f, (va) => unifyValue(b, va, f, k));
  if (b.k === TK.Ref) return evalRef(b, f, (vb) => unifyValue(a, vb, f, k));
  const va = groundValue(a, f);
  if (va !== undefined) return unifyValue(b, va, f, k);
  const vb = groundValue(b, f);
  if (vb !== undefined) return unifyValue(a, vb, f, k);
  return unifyPairs([[a, b]], f, k);
}

/**
 * Unifies pairs where neither side is ground yet, e.g. `[x, y] = [y, 1]`: pairs with a ground side
 * go first, composites are split, and var-to-var pairs wait until one side is bound.
 */
function unifyPairs(pairs: [CTerm, CTerm][], f: Frame, k: Cont): boolean {
  if (pairs.length === 0) return k();
  for (let i = 0; i < pairs.length; i++) {
    const [a, b] = pairs[i]!;
    const rest = pairs.slice(0, i).concat(pairs.slice(i + 1));
    const va = groundValue(a, f);
    if (va !== undefined) return unifyValue(b, va, f, () => unifyPairs(rest, f, k));
    const vb = groundValue(b, f);
    if (vb !== undefined) return unifyValue(a, vb, f, () => unifyPairs(rest, f, k));
  }
  for (let i = 0; i < pairs.length; i++) {
    const [a, b] = pairs[i]!;
    const rest = pairs.slice(0, i).concat(pairs.slice(i + 1));
    if (a.k === TK.Array && b.k === TK.Array) {
      if (a.items.length !== b.items.length) return false;
      return unifyPairs([...rest, ...a.items.map((x, j) => [x, b.items[j]!] as [CTerm, CTerm])], f, k);
    }
    if (a.k === TK.Object && b.k === TK.Object) {
      if (a.keys.length !== b.keys.length) return false;
      const sub: [CTerm, CTerm][] = [];
      for (let j = 0; j < a.keys.length; j++) {
        const ka = groundValue(a.keys[j]!, f);
        if (ka === undefined) return false;
        const idx = b.keys.findIndex((kb) => {
          const g = groundValue(kb, f);
          return g !== undefined && equals(g, ka);
        });
        if (idx < 0) return false;
        sub.push([a.values[j]!, b.values[idx]!]);
      }
      return unifyPairs([...rest, ...sub], f, k);
    }
    if ((a.k === TK.Array || a.k === TK.Object || a.k === TK.Set) && (b.k === TK.Array || b.k === TK.Object || b.k === TK.Set)) return false;
  }
  // Only var-to-var (or var-to-partial composite) pairs remain: cannot be decided.
  return false;
}

// ---------------------------------------------------------------------------------------------
// Refs

/** Enumerates the values of a ref, binding its unbound variables; `cb` per value. */
export function evalRef(r: CRef, f: Frame, cb: (v: Value) => boolean): boolean {
  switch (r.root) {
    case 'input': {
      const input = ctx.input;
      if (input === undefined) return false;
      return derefPath(input, r.path, 0, f, cb);
    }
    case 'data':
      return evalDataRef(r.path, f, cb);
    case 'term': {
      const head = r.head!;
      const hv = groundValue(head, f);
      if (hv === undefined) return false;
      return derefPath(hv, r.path, 0, f, cb);
    }
  }
}

/** Looks up a key in a collection value (array index, object key, set member). */
export function lookup(v: Value, key: Value): Value | undefined {
  if (v instanceof RObject) return v.get(key);
  if (Array.isArray(v)) {
    if (typeof key === 'number') {
      return Number.isInteger(key) && key >= 0 && key < v.length ? v[key] : undefined;
    }
    return undefined;
  }
  if (v instanceof RSet) return v.has(key) ? key : undefined;
  return undefined;
}

/** Walks `path[i..]` from value `v`, iterating collections at unbound segments. */
export function derefPath(v: Value, path: CTerm[], i: number, f: Frame, cb: (v: Value) => boolean): boolean {
  const n = path.length;
  while (i < n) {
    const seg = path[i]!;
    let key: Value | undefined;
    if (seg.k === TK.Const) key = seg.v;
    else if (seg.k === TK.Var) key = f[seg.slot];
    else key = groundValue(seg, f);
    if (key === undefined) return iterate(v, seg, path, i, f, cb);
    const next = lookup(v, key);
    if (next === undefined) return false;
    v = next;
    i++;
  }
  return cb(v);
}

function iterate(v: Value, seg: CTerm, path: CTerm[], i: number, f: Frame, cb: (v: Value) => boolean): boolean {
  const c = ctx;
  if (Array.isArray(v)) {
    for (let j = 0; j < v.length; j++) {
      c.tick();
      const elem = v[j]!;
      if (unifyValue(seg, j, f, () => derefPath(elem, path, i + 1, f, cb))) return true;
    }
    return false;
  }
  if (v instanceof RObject) {
    for (const [key, elem] of v.entries()) {
      c.tick();
      if (unifyValue(seg, key, f, () => derefPath(elem, path, i + 1, f, cb))) return true;
    }
    return false;
  }
  if (v instanceof RSet) {
    for (const m of v.values()) {
      c.tick();
      if (unifyValue(seg, m, f, () => derefPath(m, path, i + 1, f, cb))) return true;
    }
    return false;
  }
  return false;
}
