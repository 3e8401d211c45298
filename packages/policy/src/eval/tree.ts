import { RObject, RSet, type Value, equals, keyOf } from '../value.ts';
import { PolicyEvalError } from '../errors.ts';
import type { Location } from '../syntax/ast.ts';
import { type CRule, type CTerm, type Frame, type RuleGroup, type TreeNode, TK } from './ir.ts';
import { ctx } from './context.ts';
import { derefPath, groundValue, lookup, unifyValue } from './terms.ts';

// The `data` document: base data merged with the virtual documents that rules define. A ref
// under `data` walks the rule tree; where rules define the document, their value (computed once
// per evaluation and cached) is used and the rest of the ref is looked up in it.

const UNDEF = Symbol('undefined');

export function evalDataRef(path: CTerm[], f: Frame, cb: (v: Value) => boolean): boolean {
  return walk(ctx.program.root, ctx.data, path, 0, f, cb);
}

function walk(node: TreeNode | undefined, base: Value | undefined, path: CTerm[], i: number, f: Frame, cb: (v: Value) => boolean): boolean {
  for (;;) {
    if (node === undefined || (ctx.masked !== undefined && ctx.masked.has(node))) {
      // Plain base data from here; ground number segments address string keys.
      while (base !== undefined && i < path.length) {
        const seg = path[i]!;
        const key = seg.k === TK.Const ? seg.v : seg.k === TK.Var ? f[seg.slot] : groundValue(seg, f);
        if (key === undefined) break;
        base = baseLookup(base, key);
        i++;
      }
      return base === undefined ? false : derefPath(base, path, i, f, cb);
    }
    if (i === path.length) {
      const v = nodeValue(node, base);
      return v === undefined ? false : cb(v);
    }
    const g = node.group;
    if (g !== undefined && g.hasValueRules) {
      const v = nodeValue(node, base);
      return v === undefined ? false : derefPath(v, path, i, f, cb);
    }
    const seg = path[i]!;
    const key = seg.k === TK.Const ? seg.v : seg.k === TK.Var ? f[seg.slot] : groundValue(seg, f);
    if (key === undefined) {
      // Iterate the union of rule-tree children and base keys.
      const n = node;
      const b = base;
      const keys: Value[] = [...n.childKeys];
      const seen = new Set(keys.map(keyOf));
      if (b instanceof RObject) for (const k of b.keys()) if (!seen.has(keyOf(k))) keys.push(k);
      for (const k of keys) {
        ctx.tick();
        const child = n.children.get(keyOf(k));
        const cb2 = b === undefined ? undefined : lookup(b, k);
        if (unifyValue(seg, k, f, () => walk(child, cb2, path, i + 1, f, cb))) return true;
      }
      return false;
    }
    node = node.children.get(keyOf(key));
    base = base === undefined ? undefined : baseLookup(base, key);
    i++;
  }
}

/** Base documents come from a JSON store: a number segment addresses the key "2". */
function baseLookup(base: Value, key: Value): Value | undefined {
  const v = lookup(base, key);
  if (v !== undefined || (typeof key !== 'number' && typeof key !== 'bigint') || !(base instanceof RObject)) return v;
  return base.get(String(key));
}

/** The full value of the document at a rule-tree node (undefined if it has none). */
export function nodeValue(node: TreeNode, base: Value | undefined): Value | undefined {
  const c = ctx;
  if (c.masked !== undefined && c.masked.has(node)) return base;
  const cacheKey = -1 - node.id;
  const cached = c.cache.get(cacheKey);
  if (cached !== undefined) return cached === UNDEF ? undefined : (cached as Value);
  const v = computeNodeValue(node, base);
  c.cache.set(cacheKey, v === undefined ? UNDEF : v);
  return v;
}

function computeNodeValue(node: TreeNode, base: Value | undefined): Value | undefined {
  const g = node.group;
  if (g !== undefined) {
    if (g.complete.length > 0 || g.defaultRule !== undefined) return evalComplete(g);
    if (g.multi.length > 0 && g.multi.every((r) => r.suffix.length === 0)) return evalMultiSet(g);
    if (!g.hasValueRules && node.children.size === 0) return undefined; // functions only
  }
  const b = base instanceof RObject ? ObjBuilder.fromBase(base) : new ObjBuilder();
  if (g !== undefined) evalObjectRules(g, b);
  for (const key of node.childKeys) {
    const child = node.children.get(keyOf(key))!;
    const cv = nodeValue(child, base === undefined ? undefined : lookup(base, key));
    if (cv !== undefined) b.merge([key], cv, child.group?.complete[0]?.loc);
  }
  return b.finish();
}

// ---------------------------------------------------------------------------------------------
// Building nested objects from rule solutions.

/** An entry under construction: `base` marks values from base data (merged, base wins). */
type Slot = { key: Value; value: Value | ObjBuilder | SetBuilder; base: boolean };

class SetBuilder {
  readonly set = new RSet();
}

export class ObjBuilder {
  readonly entries = new Map<string, Slot>();

  static fromBase(o: RObject): ObjBuilder {
    const b = new ObjBuilder();
    for (const [k, v] of o.entries()) b.entries.set(keyOf(k), { key: k, value: v, base: true });
    return b;
  }

  /** Inserts `value` at `keys` (a single-value rule's output); conflicts are errors. */
  insert(keys: Value[], value: Value, loc: Location | undefined): void {
    const parent = this.descend(keys, loc);
    const last = keys[keys.length - 1]!;
    const k = keyOf(last);
    const cur = parent.entries.get(k);
    if (cur === undefined) {
      parent.entries.set(k, { key: last, value, base: false });
      return;
    }
    if (cur.base) return;
    const existing = cur.value;
    if (existing instanceof ObjBuilder || existing instanceof SetBuilder || !equals(existing, value)) throw conflict(loc);
  }

  /** Adds `member` to the set at `keys` (a multi-value rule with a ref head). */
  addMember(keys: Value[], member: Value, loc: Location | undefined): void {
    const parent = this.descend(keys, loc);
    const last = keys[keys.length - 1]!;
    const k = keyOf(last);
    const cur = parent.entries.get(k);
    if (cur === undefined) {
      const sb = new SetBuilder();
      sb.set.add(member);
      parent.entries.set(k, { key: last, value: sb, base: false });
      return;
    }
    if (cur.value instanceof SetBuilder) cur.value.set.add(member);
    else if (!cur.base) throw conflict(loc);
  }

  /** Merges a child document (computed by other rules) at `keys`. */
  merge(keys: Value[], value: Value, loc: Location | undefined): void {
    const parent = this.descend(keys, loc);
    const last = keys[keys.length - 1]!;
    const k = keyOf(last);
    const cur = parent.entries.get(k);
    if (cur === undefined) {
      parent.entries.set(k, { key: last, value, base: false });
      return;
    }
    const existing = cur.value;
    if (existing instanceof ObjBuilder) {
      if (!(value instanceof RObject)) throw conflict(loc);
      for (const [ck, cv] of value.entries()) existing.merge([ck], cv, loc);
      return;
    }
    if (existing instanceof SetBuilder) {
      if (!(value instanceof RSet)) throw conflict(loc);
      for (const m of value.values()) existing.set.add(m);
      return;
    }
    if (cur.base) {
      // Base data takes precedence over virtual documents; objects merge.
      if (existing instanceof RObject && value instanceof RObject) {
        const nb = ObjBuilder.fromBase(existing);
        for (const [ck, cv] of value.entries()) nb.merge([ck], cv, loc);
        parent.entries.set(k, { key: last, value: nb, base: false });
      }
      return;
    }
    if (!equals(existing, value)) throw conflict(loc);
  }

  private descend(keys: Value[], loc: Location | undefined): ObjBuilder {
    let b: ObjBuilder = this;
    for (let i = 0; i < keys.length - 1; i++) {
      const key = keys[i]!;
      const k = keyOf(key);
      const cur = b.entries.get(k);
      if (cur === undefined) {
        const nb = new ObjBuilder();
        b.entries.set(k, { key, value: nb, base: false });
        b = nb;
        continue;
      }
      const existing = cur.value;
      if (existing instanceof ObjBuilder) {
        b = existing;
        continue;
      }
      if (cur.base && existing instanceof RObject) {
        const nb = ObjBuilder.fromBase(existing);
        b.entries.set(k, { key, value: nb, base: false });
        b = nb;
        continue;
      }
      throw conflict(loc);
    }
    return b;
  }

  finish(): RObject {
    const o = new RObject();
    for (const { key, value: v } of this.entries.values()) {
      o.set(key, v instanceof ObjBuilder ? v.finish() : v instanceof SetBuilder ? v.set : v);
    }
    return o;
  }
}

function conflict(loc: Location | undefined): PolicyEvalError {
  return new PolicyEvalError('eval_conflict_error', 'object keys must be unique', loc);
}

// ---------------------------------------------------------------------------------------------
// Rule evaluation

/** Runs a rule body on a fresh frame; `onSolution` per solution (return true to stop). */
export function runRule(rule: CRule, onSolution: (f: Frame) => boolean): boolean {
  const c = ctx;
  c.enter(rule.loc);
  const f: Frame = new Array(rule.nslots);
  const r = rule.body(f, () => onSolution(f));
  c.depth--;
  return r;
}

export function evalComplete(g: RuleGroup): Value | undefined {
  const c = ctx;
  const cached = c.cache.get(g.id);
  if (cached !== undefined) return cached === UNDEF ? undefined : (cached as Value);
  let value: Value | undefined;
  for (const rule of g.complete) {
    for (let r: CRule | undefined = rule; r !== undefined; r = r.else) {
      let produced = false;
      const rr = r;
      runRule(rr, (f) => {
        const v = groundValue(rr.value!, f);
        if (v === undefined) return false;
        produced = true;
        if (value === undefined) value = v;
        else if (!equals(value, v)) throw new PolicyEvalError('eval_conflict_error', 'complete rules must not produce multiple outputs', rr.loc);
        return rr.constValue !== undefined;
      });
      if (produced) break;
    }
    if (value !== undefined && g.earlyExit) break;
  }
  if (value === undefined && g.defaultRule !== undefined) value = g.defaultRule.constValue ?? evalDefault(g.defaultRule);
  c.cache.set(g.id, value === undefined ? UNDEF : value);
  return value;
}

function evalDefault(rule: CRule): Value | undefined {
  let v: Value | undefined;
  runRule(rule, (f) => {
    v = groundValue(rule.value!, f);
    return true;
  });
  return v;
}

function evalMultiSet(g: RuleGroup): RSet {
  const c = ctx;
  const cached = c.cache.get(g.id);
  if (cached !== undefined) return cached as RSet;
  const s = new RSet();
  for (const rule of g.multi) {
    runRule(rule, (f) => {
      const v = groundValue(rule.key!, f);
      if (v !== undefined) s.add(v);
      return false;
    });
  }
  c.cache.set(g.id, s);
  return s;
}

function evalObjectRules(g: RuleGroup, b: ObjBuilder): void {
  for (const rule of g.object) {
    for (let r: CRule | undefined = rule; r !== undefined; r = r.else) {
      let produced = false;
      const rr = r;
      runRule(rr, (f) => {
        const keys = plugSuffix(rr.suffix, f);
        const v = groundValue(rr.value!, f);
        if (keys === undefined || v === undefined) return false;
        produced = true;
        b.insert(keys, v, rr.loc);
        return false;
      });
      if (produced) break;
    }
  }
  for (const rule of g.multi) {
    if (rule.suffix.length === 0) continue;
    runRule(rule, (f) => {
      const keys = plugSuffix(rule.suffix, f);
      const v = groundValue(rule.key!, f);
      if (keys === undefined || v === undefined) return false;
      b.addMember(keys, v, rule.loc);
      return false;
    });
  }
}

function plugSuffix(suffix: CTerm[], f: Frame): Value[] | undefined {
  const out: Value[] = new Array(suffix.length);
  for (let i = 0; i < suffix.length; i++) {
    const v = groundValue(suffix[i]!, f);
    if (v === undefined) return undefined;
    out[i] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Functions

/** Calls a user function with ground arguments. Results are cached per evaluation. */
export function callFunction(g: RuleGroup, args: Value[]): Value | undefined {
  const c = ctx;
  let byArgs = c.cache.get(g.id) as Map<string, Value | typeof UNDEF> | undefined;
  if (byArgs === undefined) {
    byArgs = new Map();
    c.cache.set(g.id, byArgs);
  }
  const key = args.length === 1 ? keyOf(args[0]!) : keyOf(args);
  const hit = byArgs.get(key);
  if (hit !== undefined) return hit === UNDEF ? undefined : hit;
  let value: Value | undefined;
  for (const rule of g.functions) {
    for (let r: CRule | undefined = rule; r !== undefined; r = r.else) {
      let produced = false;
      const rr = r;
      c.enter(rr.loc);
      const f: Frame = new Array(rr.nslots);
      bindArgs(rr.args!, args, 0, f, () =>
        rr.body(f, () => {
          const v = groundValue(rr.value!, f);
          if (v === undefined) return false;
          produced = true;
          if (value === undefined) value = v;
          else if (!equals(value, v)) {
            throw new PolicyEvalError('eval_conflict_error', 'functions must not produce multiple outputs for same inputs', rr.loc);
          }
          return rr.constValue !== undefined;
        }),
      );
      c.depth--;
      if (produced) break;
    }
    if (value !== undefined && g.earlyExit) break;
  }
  if (value === undefined && g.defaultFunction !== undefined) {
    const d = g.defaultFunction;
    value = d.constValue;
  }
  byArgs.set(key, value === undefined ? UNDEF : value);
  return value;
}

function bindArgs(patterns: CTerm[], args: Value[], i: number, f: Frame, k: () => boolean): boolean {
  if (i === patterns.length) return k();
  return unifyValue(patterns[i]!, args[i]!, f, () => bindArgs(patterns, args, i + 1, f, k));
}
