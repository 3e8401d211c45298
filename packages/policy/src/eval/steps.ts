import { RObject, RSet, type Value, equals, keyOf } from '../value.ts';
import { BuiltinError, BuiltinHaltError, BuiltinTypeError, type BuiltinDef } from '../builtins/types.ts';
import { PolicyBudgetError, PolicyError, PolicyEvalError } from '../errors.ts';
import type { Location } from '../syntax/ast.ts';
import { formatValueRaw } from '../format.ts';
import { type CTerm, type CVar, type Cont, type Frame, type RuleGroup, type Step, type TreeNode, TK } from './ir.ts';
import { ctx, type Mock } from './context.ts';
import { evalRef, groundValue, unifyTerms, unifyValue } from './terms.ts';
import { callFunction } from './tree.ts';

// Step constructors. Each returns a closure `(frame, k) => boolean` that performs one expression
// and calls `next(frame, k)` once per solution. Returning true stops enumeration.

export const done: Step = (_f, k) => k();

export function eqStep(a: CTerm, b: CTerm, next: Step): Step {
  if (a.k === TK.Var && b.k === TK.Ref) {
    return (f, k) => {
      ctx.tick();
      return evalRef(b, f, (v) => unifyValue(a, v, f, () => next(f, k)));
    };
  }
  if (a.k === TK.Var && b.k === TK.Const) {
    const slot = a.slot;
    const v = b.v;
    return (f, k) => {
      ctx.tick();
      const cur = f[slot];
      if (cur !== undefined) return equals(cur, v) ? next(f, k) : false;
      f[slot] = v;
      const r = next(f, k);
      f[slot] = undefined;
      return r;
    };
  }
  return (f, k) => {
    ctx.tick();
    return unifyTerms(a, b, f, () => next(f, k));
  };
}

/** A term used as an expression: true unless undefined or `false`. */
export function testStep(t: CTerm, next: Step): Step {
  if (t.k === TK.Ref) {
    return (f, k) => {
      ctx.tick();
      return evalRef(t, f, (v) => (v === false ? false : next(f, k)));
    };
  }
  return (f, k) => {
    ctx.tick();
    const v = groundValue(t, f);
    return v === undefined || v === false ? false : next(f, k);
  };
}

// ---------------------------------------------------------------------------------------------
// Calls

/** Converts an error thrown by a builtin into OPA's handling: halt, strict error or undefined. */
function builtinFailure(e: unknown, name: string, loc: Location | undefined): false {
  if (e instanceof PolicyError) throw e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) throw e;
  let err: PolicyEvalError;
  if (e instanceof BuiltinHaltError) throw new PolicyEvalError(e.code, e.message, loc);
  if (e instanceof BuiltinTypeError) err = new PolicyEvalError('eval_type_error', e.message, loc);
  else if (e instanceof BuiltinError) err = new PolicyEvalError('eval_builtin_error', e.message, loc);
  else err = new PolicyEvalError('eval_builtin_error', `${name}: ${(e as Error)?.message ?? String(e)}`, loc);
  if (ctx.strict) throw err;
  ctx.builtinErrors.push(err);
  return false;
}

function evalArgs(args: CTerm[], f: Frame): Value[] | undefined {
  const n = args.length;
  const vals: Value[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = groundValue(args[i]!, f);
    if (v === undefined) return undefined;
    vals[i] = v;
  }
  return vals;
}

/** Continues after a call produced `r`: unify with the output term, or require non-false. */
function afterCall(r: Value | undefined, out: CTerm | undefined, f: Frame, k: Cont, next: Step): boolean {
  if (r === undefined) return false;
  if (out !== undefined) return unifyValue(out, r, f, () => next(f, k));
  return r === false ? false : next(f, k);
}

export interface CallTarget {
  /** Builtin name or user-function path (`data.pkg.f`): the key `with` mocks use. */
  readonly name: string;
  readonly builtin?: BuiltinDef;
  readonly group?: RuleGroup;
}

export interface Callables {
  builtin(name: string): BuiltinDef | undefined;
  func(path: string): RuleGroup | undefined;
}

let callables: Callables | undefined;
export function setCallables(c: Callables | undefined): void {
  callables = c;
}

function invoke(target: CallTarget, vals: Value[], loc: Location | undefined): Value | undefined {
  if (target.group !== undefined) return callFunction(target.group, vals);
  const def = target.builtin!;
  try {
    return def.impl(vals, ctx.builtinCtx);
  } catch (e) {
    return builtinFailure(e, target.name, loc) as never;
  }
}

function callMocked(m: Mock, target: CallTarget, vals: Value[], loc: Location | undefined): Value | undefined {
  if (m.kind === 'value') return m.value;
  const c = ctx;
  const builtin = callables?.builtin(m.target);
  const group = builtin ? undefined : callables?.func(m.target);
  if (!builtin && !group) throw new PolicyEvalError('eval_internal_error', `mock target ${m.target} not found`, loc);
  // Calls made by the replacement are not mocked again.
  const saved = c.mocks;
  c.mocks = undefined;
  try {
    return invoke({ name: m.target, builtin, group }, vals, loc);
  } finally {
    c.mocks = saved;
  }
  void target;
}

/** Checks arguments of builtins that could build huge values from small inputs. */
const PREFLIGHT: Record<string, (vals: Value[]) => void> = {
  'numbers.range': ([a, b]) => checkRange(a, b, 1),
  'numbers.range_step': ([a, b, s]) => checkRange(a, b, s),
};

function checkRange(a: Value | undefined, b: Value | undefined, step: Value | undefined): void {
  const num = (x: Value | undefined) => (typeof x === 'number' ? x : typeof x === 'bigint' ? Number(x) : NaN);
  const span = Math.abs(num(b) - num(a)) / Math.max(1, Math.abs(num(step)));
  const max = ctx.budget.maxCollectionSize;
  if (span > max) throw new PolicyBudgetError('output', `numbers.range would build more than ${max} elements`);
}

export function callStep(target: CallTarget, args: CTerm[], out: CTerm | undefined, loc: Location | undefined, next: Step): Step {
  const name = target.name;
  const preflight = target.builtin ? PREFLIGHT[name] : undefined;
  const group = target.group;
  const def = target.builtin;
  if (group !== undefined) {
    return (f, k) => {
      const c = ctx;
      c.tick();
      const vals = evalArgs(args, f);
      if (vals === undefined) return false;
      const m = c.mocks?.get(name);
      const r = m !== undefined ? callMocked(m, target, vals, loc) : callFunction(group, vals);
      return afterCall(r, out, f, k, next);
    };
  }
  const impl = def!.impl;
  return (f, k) => {
    const c = ctx;
    c.tick();
    const vals = evalArgs(args, f);
    if (vals === undefined) return false;
    if (c.mocks !== undefined) {
      const m = c.mocks.get(name);
      if (m !== undefined) return afterCall(callMocked(m, target, vals, loc), out, f, k, next);
    }
    if (preflight !== undefined) preflight(vals);
    let r: Value | undefined;
    try {
      r = impl(vals, c.builtinCtx);
    } catch (e) {
      return builtinFailure(e, name, loc);
    }
    return afterCall(r, out, f, k, next);
  };
}

/** A builtin that yields many results (a relation, like `walk`). */
export type RelationImpl = (args: Value[], emit: (v: Value) => boolean) => boolean;

export function relationStep(name: string, impl: RelationImpl, args: CTerm[], out: CTerm | undefined, loc: Location | undefined, next: Step): Step {
  return (f, k) => {
    const c = ctx;
    c.tick();
    const vals = evalArgs(args, f);
    if (vals === undefined) return false;
    const m = c.mocks?.get(name);
    if (m !== undefined) return afterCall(callMocked(m, { name }, vals, loc), out, f, k, next);
    try {
      return impl(vals, (v) => {
        c.tick();
        return out === undefined ? (v === false ? false : next(f, k)) : unifyValue(out, v, f, () => next(f, k));
      });
    } catch (e) {
      return builtinFailure(e, name, loc);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Negation, quantifiers, comprehensions

export function notStep(inner: Step, next: Step): Step {
  return (f, k) => {
    ctx.tick();
    let found = false;
    inner(f, () => {
      found = true;
      return true;
    });
    return found ? false : next(f, k);
  };
}

export function everyStep(key: CTerm | undefined, value: CTerm, domain: CTerm, body: Step, next: Step): Step {
  const stop = () => true;
  return (f, k) => {
    const c = ctx;
    c.tick();
    const d = groundValue(domain, f);
    if (d === undefined) return false;
    const check = (kv: Value, vv: Value): boolean => {
      c.tick();
      let ok = false;
      const run = () => {
        ok = body(f, stop);
        return true;
      };
      if (key !== undefined) unifyValue(key, kv, f, () => unifyValue(value, vv, f, run));
      else unifyValue(value, vv, f, run);
      return ok;
    };
    if (Array.isArray(d)) {
      for (let i = 0; i < d.length; i++) if (!check(i, d[i]!)) return false;
    } else if (d instanceof RObject) {
      for (const [kk, vv] of d.entries()) if (!check(kk, vv)) return false;
    } else if (d instanceof RSet) {
      for (const m of d.values()) if (!check(m, m)) return false;
    } else return false;
    return next(f, k);
  };
}

/** Computes a comprehension's value in the current frame. */
export type CompCompute = (f: Frame) => Value;

export function arrayComp(body: Step, head: CTerm): CompCompute {
  return (f) => {
    const arr: Value[] = [];
    body(f, () => {
      const v = groundValue(head, f);
      if (v !== undefined) arr.push(v);
      return false;
    });
    return arr;
  };
}

export function setComp(body: Step, head: CTerm): CompCompute {
  return (f) => {
    const s = new RSet();
    body(f, () => {
      const v = groundValue(head, f);
      if (v !== undefined) s.add(v);
      return false;
    });
    return s;
  };
}

export function objectComp(body: Step, key: CTerm, value: CTerm, loc: Location | undefined): CompCompute {
  return (f) => {
    const o = new RObject();
    body(f, () => {
      const kv = groundValue(key, f);
      const vv = groundValue(value, f);
      if (kv === undefined || vv === undefined) return false;
      const prev = o.get(kv);
      if (prev !== undefined && !equals(prev, vv)) throw new PolicyEvalError('eval_conflict_error', 'object keys must be unique', loc);
      o.set(kv, vv);
      return false;
    });
    return o;
  };
}

let nextCompId = 0;
/** Cache ids of closed comprehensions (they live beside rule ids in the evaluation cache). */
export function newComprehensionCacheId(): number {
  return 1_000_000_000 + nextCompId++;
}

/**
 * Evaluates a comprehension and unifies its value with `out`. A comprehension that uses no
 * variable of its enclosing rule (`cacheId` set) is computed once per evaluation (per `with`).
 */
export function compStep(compute: CompCompute, out: CTerm, cacheId: number | undefined, next: Step): Step {
  return (f, k) => {
    const c = ctx;
    c.tick();
    let v: Value | undefined;
    if (cacheId !== undefined) v = c.cache.get(cacheId) as Value | undefined;
    if (v === undefined) {
      c.enter(undefined);
      v = compute(f);
      c.depth--;
      if (cacheId !== undefined) c.cache.set(cacheId, v);
    }
    return unifyValue(out, v, f, () => next(f, k));
  };
}

/** What a comprehension collects. */
export type CompHead =
  | { kind: 'array' | 'set'; term: CTerm }
  | { kind: 'object'; key: CTerm; value: CTerm; loc: Location | undefined };

/**
 * An indexed comprehension (OPA's comprehension indexing): the comprehension depends on the
 * enclosing rule only through keys (`x.type == r.type`). Its body is evaluated once with the keys
 * unbound, results are grouped by key, and each evaluation looks its group up.
 */
export function indexedCompStep(body: Step, head: CompHead, keySlots: CVar[], outerKeys: CTerm[], out: CTerm, cacheId: number, next: Step): Step {
  const empty = (): Value => (head.kind === 'array' ? [] : head.kind === 'set' ? new RSet() : new RObject());
  const build = (f: Frame): Map<string, Value> => {
    const groups = new Map<string, Value>();
    body(f, () => {
      const kv: Value[] = new Array(keySlots.length);
      for (let i = 0; i < keySlots.length; i++) {
        const v = f[keySlots[i]!.slot];
        if (v === undefined) return false;
        kv[i] = v;
      }
      const gk = keyOf(kv);
      let g = groups.get(gk);
      if (g === undefined) groups.set(gk, (g = empty()));
      if (head.kind !== 'object') {
        const v = groundValue(head.term, f);
        if (v !== undefined) {
          if (head.kind === 'array') (g as Value[]).push(v);
          else (g as RSet).add(v);
        }
      } else {
        const kk = groundValue(head.key, f);
        const vv = groundValue(head.value, f);
        if (kk === undefined || vv === undefined) return false;
        const o = g as RObject;
        const prev = o.get(kk);
        if (prev !== undefined && !equals(prev, vv)) throw new PolicyEvalError('eval_conflict_error', 'object keys must be unique', head.loc);
        o.set(kk, vv);
      }
      return false;
    });
    return groups;
  };
  return (f, k) => {
    const c = ctx;
    c.tick();
    let index = c.cache.get(cacheId) as Map<string, Value> | undefined;
    if (index === undefined) {
      c.enter(undefined);
      index = build(f);
      c.depth--;
      c.cache.set(cacheId, index);
    }
    const kv: Value[] = new Array(outerKeys.length);
    let v: Value | undefined;
    for (let i = 0; i < outerKeys.length; i++) {
      const t = outerKeys[i]!;
      let x: Value | undefined;
      if (t.k === TK.Ref) {
        evalRef(t, f, (r) => {
          x = r;
          return true;
        });
      } else x = groundValue(t, f);
      if (x === undefined) {
        v = empty();
        break;
      }
      kv[i] = x;
    }
    if (v === undefined) v = index.get(keyOf(kv)) ?? empty();
    return unifyValue(out, v, f, () => next(f, k));
  };
}

// ---------------------------------------------------------------------------------------------
// print and template strings: each operand is evaluated like a set comprehension, so undefined
// operands print `<undefined>` instead of making the expression undefined.

export interface Operand {
  body: Step;
  out: CVar;
}

function collect(op: Operand, f: Frame): Value[] {
  const s = new RSet();
  op.body(f, () => {
    const v = f[op.out.slot];
    if (v !== undefined) s.add(v);
    return false;
  });
  return [...s.values()];
}

function crossProduct(parts: (string | Value[])[], i: number, acc: string[], emit: (s: string) => void): void {
  if (i === parts.length) {
    emit(acc.join(''));
    return;
  }
  const p = parts[i]!;
  if (typeof p === 'string') {
    acc.push(p);
    crossProduct(parts, i + 1, acc, emit);
    acc.pop();
    return;
  }
  if (p.length === 0) {
    acc.push('<undefined>');
    crossProduct(parts, i + 1, acc, emit);
    acc.pop();
    return;
  }
  for (const v of p) {
    acc.push(formatValueRaw(v));
    crossProduct(parts, i + 1, acc, emit);
    acc.pop();
  }
}

export function printStep(ops: Operand[], next: Step): Step {
  return (f, k) => {
    const c = ctx;
    c.tick();
    const parts: (string | Value[])[] = [];
    ops.forEach((op, i) => {
      if (i > 0) parts.push(' ');
      parts.push(collect(op, f));
    });
    crossProduct(parts, 0, [], (s) => c.print(s));
    return next(f, k);
  };
}

export function templateStep(ops: (string | Operand)[], out: CTerm, loc: Location | undefined, next: Step): Step {
  return (f, k) => {
    const c = ctx;
    c.tick();
    const parts = ops.map((op) => (typeof op === 'string' ? op : collect(op, f)));
    let result: string | undefined;
    crossProduct(parts, 0, [], (s) => {
      if (result !== undefined) throw new PolicyEvalError('eval_conflict_error', 'template-strings must not produce multiple outputs', loc);
      result = s;
    });
    return unifyValue(out, result ?? '', f, () => next(f, k));
  };
}

// ---------------------------------------------------------------------------------------------
// Experimental `and` / `or`: operands are closures that succeed at most once.

export function logicalStep(op: 'and' | 'or', left: Step, right: Step | undefined, next: Step): Step {
  const stop = () => true;
  return (f, k) => {
    ctx.tick();
    const l = left(f, stop);
    let ok: boolean;
    if (op === 'and') ok = l && (right === undefined || right(f, stop));
    else ok = l || (right !== undefined && right(f, stop));
    return ok ? next(f, k) : false;
  };
}

// ---------------------------------------------------------------------------------------------
// with

export type WithMod =
  | { kind: 'input'; path: Value[]; value: CTerm }
  | { kind: 'data'; path: Value[]; value: CTerm; nodes: TreeNode[] }
  | { kind: 'mock'; name: string; value: CTerm }
  | { kind: 'mockfn'; name: string; target: string };

/** Returns `base` with `value` stored at `path` (copying objects along the path). */
export function upsert(base: Value | undefined, path: Value[], value: Value): Value {
  if (path.length === 0) return value;
  const o = new RObject();
  if (base instanceof RObject) for (const [k, v] of base.entries()) o.set(k, v);
  const key = path[0]!;
  o.set(key, upsert(base instanceof RObject ? base.get(key) : undefined, path.slice(1), value));
  return o;
}

export function withStep(mods: WithMod[], inner: Step, next: Step): Step {
  return (f, k) => {
    const c = ctx;
    c.tick();
    let input = c.input;
    let data = c.data;
    let masked = c.masked;
    let mocks = c.mocks;
    for (const m of mods) {
      if (m.kind === 'mockfn') {
        mocks = new Map(mocks);
        mocks.set(m.name, { kind: 'function', target: m.target });
        continue;
      }
      const v = groundValue(m.value, f);
      if (v === undefined) return false;
      if (m.kind === 'input') input = upsert(input, m.path, v);
      else if (m.kind === 'data') {
        data = upsert(data, m.path, v);
        if (m.nodes.length > 0) {
          masked = new Set(masked);
          for (const n of m.nodes) masked.add(n);
        }
      } else {
        mocks = new Map(mocks);
        mocks.set(m.name, { kind: 'value', value: v });
      }
    }
    const saved = { input: c.input, data: c.data, masked: c.masked, mocks: c.mocks, cache: c.cache };
    const cache = new Map<number, unknown>();
    const apply = () => {
      c.input = input;
      c.data = data;
      c.masked = masked;
      c.mocks = mocks;
      c.cache = cache;
    };
    const restore = () => {
      c.input = saved.input;
      c.data = saved.data;
      c.masked = saved.masked;
      c.mocks = saved.mocks;
      c.cache = saved.cache;
    };
    apply();
    try {
      return inner(f, () => {
        restore();
        const r = next(f, k);
        apply();
        return r;
      });
    } finally {
      restore();
    }
  };
}

export { keyOf };
