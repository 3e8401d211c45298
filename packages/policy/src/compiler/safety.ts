import { type Body, type Every, type Expr, type Location, type LogicalExpr, type Term, refToDotted } from '../syntax/ast.ts';
import type { CompileErrors } from '../errors.ts';

// OPA's safety check: every variable must be bound ("safe") by an expression that can produce a
// value for it before it is used in a position that needs a value. Bodies are reordered (stable)
// so that expressions run once their inputs are safe; whatever cannot be ordered is reported as
// `rego_unsafe_var_error: var x is unsafe`. Closures (comprehensions, `every` bodies, template
// expressions) are checked recursively with the enclosing safe variables as globals.

/** Number of arguments of a callable (builtin or user function), or -1 when unknown. */
export type ArityFn = (operator: Term) => number;

const RESERVED = new Set(['input', 'data']);

interface VarOcc {
  name: string;
  loc?: Location;
}

/** Vars of a term outside closures, skipping call operators. Sets/object keys optionally skipped. */
function collectVars(
  t: Term,
  out: Map<string, VarOcc>,
  opts: { skipRefHead?: boolean; skipSetsAndKeys?: boolean } = {},
): void {
  switch (t.type) {
    case 'var':
      if (!out.has(t.name)) out.set(t.name, { name: t.orig ?? t.name, loc: t.loc });
      return;
    case 'ref':
      t.terms.forEach((x, i) => {
        if (i === 0 && opts.skipRefHead && x.type === 'var') return;
        collectVars(x, out, opts);
      });
      return;
    case 'array':
      t.items.forEach((x) => collectVars(x, out, opts));
      return;
    case 'set':
      if (!opts.skipSetsAndKeys) t.items.forEach((x) => collectVars(x, out, opts));
      return;
    case 'object':
      t.items.forEach(([k, v]) => {
        if (!opts.skipSetsAndKeys) collectVars(k, out, opts);
        collectVars(v, out, opts);
      });
      return;
    case 'call':
      t.args.forEach((x) => collectVars(x, out, opts));
      return;
    default:
      return; // scalars, closures
  }
}

export function exprVars(e: Expr): Map<string, VarOcc> {
  const out = new Map<string, VarOcc>();
  const ts = e.terms;
  if (Array.isArray(ts)) ts.slice(1).forEach((t) => collectVars(t, out));
  else if (ts.type === 'every') collectVars(ts.domain, out);
  else if (ts.type === 'logical') {
    // operands are closures: captured vars are checked by the closure rule
  } else if (ts.type === 'some') {
    for (const s of ts.symbols) collectVars(s, out);
  } else collectVars(ts, out);
  for (const w of e.with) if (!w.fnTarget) collectVars(w.value, out);
  for (const k of RESERVED) out.delete(k);
  return out;
}

/** Closures in an expression: comprehension terms, `every` bodies, template-string parts. */
type Closure =
  | { kind: 'comp'; term: Term & { type: 'arraycomp' | 'setcomp' | 'objectcomp' } }
  | { kind: 'every'; every: Every }
  | { kind: 'template'; expr: Expr }
  | { kind: 'logical'; logical: LogicalExpr };

function closuresOfTerm(t: Term, out: Closure[]): void {
  switch (t.type) {
    case 'arraycomp':
    case 'setcomp':
    case 'objectcomp':
      out.push({ kind: 'comp', term: t });
      return;
    case 'ref':
      t.terms.forEach((x) => closuresOfTerm(x, out));
      return;
    case 'array':
    case 'set':
      t.items.forEach((x) => closuresOfTerm(x, out));
      return;
    case 'object':
      t.items.forEach(([k, v]) => {
        closuresOfTerm(k, out);
        closuresOfTerm(v, out);
      });
      return;
    case 'call':
      t.args.forEach((x) => closuresOfTerm(x, out));
      return;
    case 'template':
      for (const p of t.parts) {
        if (p.type === 'expr') out.push({ kind: 'template', expr: p });
        else closuresOfTerm(p, out);
      }
      return;
    default:
      return;
  }
}

function exprClosures(e: Expr): Closure[] {
  const out: Closure[] = [];
  const ts = e.terms;
  if (Array.isArray(ts)) ts.slice(1).forEach((t) => closuresOfTerm(t, out));
  else if (ts.type === 'every') {
    closuresOfTerm(ts.domain, out);
    out.push({ kind: 'every', every: ts });
  } else if (ts.type === 'logical') {
    out.push({ kind: 'logical', logical: ts });
  } else if (ts.type !== 'some') closuresOfTerm(ts, out);
  for (const w of e.with) closuresOfTerm(w.value, out);
  return out;
}

/** All vars inside a closure (term and body, recursively). */
function closureVars(c: Closure): Set<string> {
  const out = new Set<string>();
  const addTerm = (t: Term) => {
    const m = new Map<string, VarOcc>();
    collectVars(t, m);
    for (const k of m.keys()) out.add(k);
    const cs: Closure[] = [];
    closuresOfTerm(t, cs);
    for (const c2 of cs) for (const v of closureVars(c2)) out.add(v);
  };
  const addBody = (b: Body) => {
    for (const e of b) {
      for (const k of exprVars(e).keys()) out.add(k);
      for (const c2 of exprClosures(e)) for (const v of closureVars(c2)) out.add(v);
    }
  };
  switch (c.kind) {
    case 'comp':
      if (c.term.type === 'objectcomp') {
        addTerm(c.term.key);
        addTerm(c.term.value);
      } else addTerm(c.term.term);
      addBody(c.term.body);
      break;
    case 'every':
      addBody(c.every.body);
      break;
    case 'template':
      addBody([c.expr]);
      break;
    case 'logical':
      addBody(c.logical.left);
      addBody(c.logical.right);
      break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Output variables (what an expression binds given the safe set).

function isRefSafe(ref: Term & { type: 'ref' }, safe: Set<string>): boolean {
  const head = ref.terms[0]!;
  if (head.type === 'var') return RESERVED.has(head.name) || safe.has(head.name);
  const m = new Map<string, VarOcc>();
  if (head.type === 'call') head.args.forEach((a) => collectVars(a, m));
  else collectVars(head, m);
  for (const k of m.keys()) if (!safe.has(k) && !RESERVED.has(k)) return false;
  return true;
}

function outputVarsForTerms(terms: Term[], safe: Set<string>): Set<string> {
  const out = new Set<string>();
  const visit = (t: Term): void => {
    switch (t.type) {
      case 'ref':
        if (!isRefSafe(t, safe)) return;
        t.terms.slice(1).forEach((x) => {
          const m = new Map<string, VarOcc>();
          collectVars(x, m, { skipRefHead: true });
          for (const k of m.keys()) out.add(k);
        });
        t.terms.forEach(visit);
        return;
      case 'array':
      case 'set':
        t.items.forEach(visit);
        return;
      case 'object':
        t.items.forEach(([k, v]) => {
          visit(k);
          visit(v);
        });
        return;
      case 'call':
        t.args.forEach(visit);
        return;
      default:
        return;
    }
  };
  terms.forEach(visit);
  return out;
}

class Unifier {
  readonly unified = new Set<string>();
  private readonly unknown = new Map<string, Set<string>>();
  constructor(private readonly safe: Set<string>) {}

  private isSafe(v: string) {
    return RESERVED.has(v) || this.safe.has(v) || this.unified.has(v);
  }

  private markSafe(x: string) {
    if (this.unified.has(x)) return;
    this.unified.add(x);
    const deps = this.unknown.get(x);
    this.unknown.delete(x);
    if (deps) for (const v of deps) this.markSafe(v);
    for (const [v, d] of [...this.unknown]) {
      if (d.has(x)) {
        d.delete(x);
        if (d.size === 0) {
          this.unknown.delete(v);
          this.markSafe(v);
        }
      }
    }
  }

  private markUnknown(a: string, b: string) {
    let s = this.unknown.get(a);
    if (!s) this.unknown.set(a, (s = new Set()));
    s.add(b);
  }

  private varsOf(t: Term): string[] {
    const m = new Map<string, VarOcc>();
    collectVars(t, m, { skipRefHead: true });
    return [...m.keys()];
  }

  private markAllSafe(t: Term) {
    for (const v of this.varsOf(t)) this.markSafe(v);
  }

  private unifyAll(a: string, b: Term) {
    if (this.isSafe(a)) this.markAllSafe(b);
    else {
      const m = new Map<string, VarOcc>();
      collectVars(b, m);
      const unsafe = [...m.keys()].filter((v) => !this.isSafe(v));
      if (unsafe.length === 0) this.markSafe(a);
      else for (const v of unsafe) this.markUnknown(a, v);
    }
  }

  private callSafe(c: Term & { type: 'call' }): boolean {
    const m = new Map<string, VarOcc>();
    c.args.forEach((x) => collectVars(x, m));
    return [...m.keys()].every((v) => this.isSafe(v));
  }

  private refHeadSafe(r: Term & { type: 'ref' }): boolean {
    const h = r.terms[0]!;
    if (h.type === 'var') return this.isSafe(h.name);
    const m = new Map<string, VarOcc>();
    collectVars(h, m);
    return [...m.keys()].every((v) => this.isSafe(v));
  }

  unify(a: Term, b: Term): void {
    switch (a.type) {
      case 'var':
        switch (b.type) {
          case 'var':
            if (this.isSafe(b.name)) this.markSafe(a.name);
            else if (this.isSafe(a.name)) this.markSafe(b.name);
            else {
              this.markUnknown(a.name, b.name);
              this.markUnknown(b.name, a.name);
            }
            return;
          case 'array':
          case 'object':
            this.unifyAll(a.name, b);
            return;
          case 'ref':
            if (this.refHeadSafe(b)) this.markSafe(a.name);
            return;
          case 'call':
            if (this.callSafe(b)) this.markSafe(a.name);
            return;
          case 'template':
            this.markSafe(a.name);
            return;
          default:
            this.markSafe(a.name);
            return;
        }
      case 'ref':
        if (this.refHeadSafe(a)) {
          if (b.type === 'var') this.markSafe(b.name);
          else if (b.type === 'array' || b.type === 'object') this.markAllSafe(b);
        }
        return;
      case 'call':
        if (this.callSafe(a)) {
          if (b.type === 'var') this.markSafe(b.name);
          else if (b.type === 'array' || b.type === 'object') this.markAllSafe(b);
        }
        return;
      case 'arraycomp':
      case 'setcomp':
      case 'objectcomp':
      case 'template':
        if (b.type === 'var') this.markSafe(b.name);
        else if (b.type === 'array') this.markAllSafe(b);
        return;
      case 'array':
        switch (b.type) {
          case 'var':
            this.unifyAll(b.name, a);
            return;
          case 'arraycomp':
          case 'setcomp':
          case 'objectcomp':
            this.markAllSafe(a);
            return;
          case 'ref':
            if (this.refHeadSafe(b)) this.markAllSafe(a);
            return;
          case 'call':
            if (this.callSafe(b)) this.markAllSafe(a);
            return;
          case 'array':
            if (a.items.length === b.items.length) a.items.forEach((x, i) => this.unify(x, b.items[i]!));
            return;
          default:
            return;
        }
      case 'object':
        switch (b.type) {
          case 'var':
            this.unifyAll(b.name, a);
            return;
          case 'ref':
            if (this.refHeadSafe(b)) this.markAllSafe(a);
            return;
          case 'call':
            if (this.callSafe(b)) this.markAllSafe(a);
            return;
          case 'object':
            if (a.items.length === b.items.length) {
              for (const [k, v] of a.items) {
                const other = b.items.find(([k2]) => sameGroundTerm(k, k2));
                if (other) this.unify(v, other[1]);
              }
            }
            return;
          default:
            return;
        }
      default:
        if (b.type === 'var') this.markSafe(b.name);
        return;
    }
  }
}

function sameGroundTerm(a: Term, b: Term): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'string':
    case 'boolean':
      return a.value === (b as typeof a).value;
    case 'number':
      return a.value == (b as typeof a).value;
    case 'null':
      return true;
    case 'var':
      return a.name === (b as typeof a).name;
    default:
      return false;
  }
}

function outputVarsForEq(a: Term, b: Term, safe: Set<string>): Set<string> {
  const out = outputVarsForTerms([a, b], safe);
  const all = new Set([...safe, ...out]);
  const u = new Unifier(all);
  u.unify(a, b);
  for (const v of u.unified) out.add(v);
  for (const v of safe) out.delete(v);
  return out;
}

export function outputVars(e: Expr, safe: Set<string>, arity: ArityFn): Set<string> {
  if (e.negated) return new Set();
  for (const w of e.with) {
    if (w.fnTarget) continue;
    const m = new Map<string, VarOcc>();
    collectVars(w.value, m);
    for (const k of m.keys()) if (!safe.has(k) && !RESERVED.has(k)) return new Set();
  }
  const ts = e.terms;
  if (Array.isArray(ts)) {
    const op = refToDotted(ts[0]!);
    if ((op === 'eq' || op === 'assign') && ts.length === 3) return outputVarsForEq(ts[1]!, ts[2]!, safe);
    const ar = arity(ts[0]!);
    if (ar < 0) return new Set();
    const args = ts.slice(1);
    const out = outputVarsForTerms(args, safe);
    if (ar >= args.length) return out;
    const inputs = new Map<string, VarOcc>();
    args.slice(0, ar).forEach((t) => collectVars(t, inputs, { skipRefHead: true, skipSetsAndKeys: true }));
    for (const k of inputs.keys()) if (!out.has(k) && !safe.has(k) && !RESERVED.has(k)) return new Set();
    const outs = new Map<string, VarOcc>();
    args.slice(ar).forEach((t) => collectVars(t, outs, { skipRefHead: true, skipSetsAndKeys: true }));
    for (const k of outs.keys()) out.add(k);
    return out;
  }
  if (ts.type === 'every') return outputVarsForTerms([ts.domain], safe);
  if (ts.type === 'logical') return new Set(); // operands are closures: nothing is exported
  if (ts.type === 'some') return new Set();
  return outputVarsForTerms([ts], safe);
}

// ---------------------------------------------------------------------------------------------

export interface SafetyResult {
  body: Body;
}

/**
 * Reorders `body` for safety given `globals` (vars already bound), recursively checking closures.
 * Reports unsafe vars to `errs`. Returns the reordered body (closures reordered in place).
 */
export function reorderBody(
  body: Body,
  globals: Set<string>,
  arity: ArityFn,
  errs: CompileErrors,
  alreadyReported: Set<string> = new Set(),
): Body {
  const safe = new Set(globals);
  const bodyVars = new Set<string>();
  const exprVarMaps = body.map((e) => exprVars(e));
  for (const m of exprVarMaps) for (const k of m.keys()) bodyVars.add(k);
  const closureVarSets = body.map((e) => {
    const s = new Set<string>();
    for (const c of exprClosures(e)) for (const v of closureVars(c)) s.add(v);
    return s;
  });

  const reordered: Body = [];
  const scheduledAt = new Map<Expr, Set<string>>();
  const done = new Array<boolean>(body.length).fill(false);
  for (;;) {
    let progress = false;
    for (let i = 0; i < body.length; i++) {
      if (done[i]) continue;
      const e = body[i]!;
      const ovs = outputVars(e, safe, arity);
      let ok = true;
      for (const v of exprVarMaps[i]!.keys()) {
        if (!safe.has(v) && !ovs.has(v)) {
          ok = false;
          break;
        }
      }
      if (ok) {
        for (const v of closureVarSets[i]!) {
          if (bodyVars.has(v) && !safe.has(v)) {
            ok = false;
            break;
          }
        }
      }
      if (ok) {
        done[i] = true;
        reordered.push(e);
        scheduledAt.set(e, new Set(safe));
        for (const v of ovs) safe.add(v);
        progress = true;
      }
    }
    if (!progress) break;
  }

  // Report what could not be ordered: the variables that keep each expression from running
  // (not compiler temporaries, not the declared side of `:=`, each variable once).
  const reported = new Set<string>();
  const report = (v: string, occ: VarOcc | undefined, e: Expr) => {
    if (reported.has(v) || alreadyReported.has(v)) return false;
    if (occ && occ.name.startsWith('__local')) return false;
    reported.add(v);
    alreadyReported.add(v);
    errs.add('rego_unsafe_var_error', `var ${displayName(occ?.name ?? v)} is unsafe`, occ?.loc ?? e.loc);
    return true;
  };
  for (let i = 0; i < body.length; i++) {
    if (done[i]) continue;
    const e = body[i]!;
    const ovs = outputVars(e, safe, arity);
    let vars = exprVarMaps[i]!;
    const ts = e.terms;
    if (Array.isArray(ts) && refToDotted(ts[0]!) === 'assign' && ts.length === 3) {
      const rhs = new Map<string, VarOcc>();
      collectVars(ts[2]!, rhs);
      if ([...rhs.keys()].some((v) => !safe.has(v) && !RESERVED.has(v))) vars = rhs;
    }
    // Root causes: variables that stay unsafe even if the expression's other variables were safe.
    const candidates = [...vars].filter(([v]) => !safe.has(v) && !ovs.has(v) && !RESERVED.has(v));
    const rootCauses = candidates.filter(([v]) => {
      const assumed = new Set(safe);
      for (const [w] of vars) if (w !== v) assumed.add(w);
      return !outputVars(e, assumed, arity).has(v);
    });
    let any = false;
    for (const [v, occ] of rootCauses.length > 0 ? rootCauses : candidates) any = report(v, occ, e) || any || alreadyReported.has(v);
    for (const v of closureVarSets[i]!) {
      if (bodyVars.has(v) && !safe.has(v)) any = report(v, findOcc(body, v), e) || any || alreadyReported.has(v);
    }
    if (!any) errs.add('rego_unsafe_var_error', 'expression is unsafe', e.loc);
    reordered.push(e);
    scheduledAt.set(e, new Set(safe));
  }

  // Closures: check with the vars safe at the point their expression runs.
  for (const e of reordered) {
    const before = scheduledAt.get(e)!;
    const outer = new Set([...before]);
    for (const c of exprClosures(e)) checkClosure(c, outer, arity, errs);
  }
  return reordered;
}

function displayName(n: string): string {
  return n.startsWith('$') ? '_' : n;
}

function findOcc(body: Body, v: string): VarOcc | undefined {
  for (const e of body) {
    const m = exprVars(e);
    const o = m.get(v);
    if (o) return o;
  }
  return undefined;
}

function checkClosure(c: Closure, outerSafe: Set<string>, arity: ArityFn, errs: CompileErrors): void {
  switch (c.kind) {
    case 'comp': {
      const t = c.term;
      t.body = reorderBody(t.body, outerSafe, arity, errs);
      const safeAfter = safeVarsAfter(t.body, outerSafe, arity);
      const heads = t.type === 'objectcomp' ? [t.key, t.value] : [t.term];
      for (const h of heads) reportUnsafeTerm(h, safeAfter, errs);
      for (const h of heads) {
        const cs: Closure[] = [];
        closuresOfTerm(h, cs);
        for (const c2 of cs) checkClosure(c2, safeAfter, arity, errs);
      }
      return;
    }
    case 'every': {
      const ev = c.every;
      const inner = new Set(outerSafe);
      const m = new Map<string, VarOcc>();
      if (ev.key) collectVars(ev.key, m);
      collectVars(ev.value, m);
      for (const k of m.keys()) inner.add(k);
      ev.body = reorderBody(ev.body, inner, arity, errs);
      return;
    }
    case 'template': {
      const body = reorderBody([c.expr], outerSafe, arity, errs);
      c.expr.terms = body[0]!.terms;
      return;
    }
    case 'logical': {
      const ts = c.logical;
      ts.left = reorderBody(ts.left, outerSafe, arity, errs);
      if (ts.right.length > 0) ts.right = reorderBody(ts.right, outerSafe, arity, errs);
      return;
    }
  }
}

/** Safe vars after running an (already ordered) body. */
export function safeVarsAfter(body: Body, globals: Set<string>, arity: ArityFn): Set<string> {
  const safe = new Set(globals);
  for (const e of body) for (const v of outputVars(e, safe, arity)) safe.add(v);
  return safe;
}

export function reportUnsafeTerm(t: Term, safe: Set<string>, errs: CompileErrors, alreadyReported: Set<string> = new Set()): void {
  const m = new Map<string, VarOcc>();
  collectVars(t, m);
  for (const [k, occ] of m) {
    if (safe.has(k) || RESERVED.has(k) || alreadyReported.has(k) || occ.name.startsWith('__local')) continue;
    alreadyReported.add(k);
    errs.add('rego_unsafe_var_error', `var ${displayName(occ.name)} is unsafe`, occ.loc);
  }
}
