import { RObject, RSet, type Value } from '../value.ts';
import type { BuiltinDef } from '../builtins/types.ts';
import { CompileErrors } from '../errors.ts';
import { type ArityFn, reorderBody } from './safety.ts';
import { scalarOf } from './util.ts';
import { type Body, type Expr, type Location, type RefTerm, type Term, refToDotted, walkTerm } from '../syntax/ast.ts';
import { type CRef, type CTerm, type CVar, type RuleGroup, type Step, type TreeNode, TK } from '../eval/ir.ts';
import {
  type CallTarget,
  type Operand,
  type RelationImpl,
  type WithMod,
  arrayComp,
  callStep,
  compStep,
  done,
  eqStep,
  everyStep,
  logicalStep,
  type CompHead,
  indexedCompStep,
  newComprehensionCacheId,
  notStep,
  objectComp,
  printStep,
  relationStep,
  setComp,
  templateStep,
  testStep,
  withStep,
} from '../eval/steps.ts';

// Lowering: turns a checked, reordered rule body into evaluation steps. Nested calls, refs inside
// composites and comprehensions are computed by steps of their own into temporary slots first
// (OPA's RewriteExprTerms / RewriteDynamicTerms), so the remaining terms are simple.

export interface LowerEnv {
  builtin(name: string): BuiltinDef | undefined;
  relation(name: string): RelationImpl | undefined;
  /** The function group at a data path (`data.pkg.f`), if it defines a function. */
  funcGroup(pathKey: string): RuleGroup | undefined;
  /** Number of arguments of the function at a data path. */
  funcArity(pathKey: string): number;
  /** Rule-tree node at a data path. */
  nodeAt(path: Value[]): TreeNode | undefined;
  /** Builtins the policy may not call. */
  disabled?(name: string): boolean;
  /** Arity of callables (for re-planning indexed comprehension bodies). */
  arity?: ArityFn;
  /** `rego.metadata.chain()` / `rego.metadata.rule()` values for the rule being lowered. */
  metadata(kind: 'chain' | 'rule'): Value;
  errs: CompileErrors;
}

type Pre = ((next: Step) => Step)[];

export function dataPathKey(path: Value[]): string {
  return 'data' + path.map((p) => (typeof p === 'string' ? '.' + p : '[' + JSON.stringify(p) + ']')).join('');
}

const isConst = (t: CTerm): t is CTerm & { k: TK.Const } => t.k === TK.Const;

export class Lowerer {
  private readonly slots = new Map<string, number>();
  nslots = 0;

  /** Occurrences of each variable in the whole rule (to find closed comprehensions). */
  private varCounts: Map<string, number> | undefined;

  constructor(private readonly env: LowerEnv) {}

  /** Records the variables of the rule or query being lowered. */
  setScope(terms: (Term | Expr)[]): void {
    this.varCounts = countVars(terms);
  }

  /** A comprehension is closed when none of its variables occurs outside it in the rule. */
  private isClosed(t: Term): boolean {
    if (!this.varCounts) return false;
    const inner = countVars([t]);
    for (const [name, n] of inner) if ((this.varCounts.get(name) ?? 0) !== n) return false;
    return true;
  }

  slotOf(name: string): number {
    let s = this.slots.get(name);
    if (s === undefined) {
      s = this.nslots++;
      this.slots.set(name, s);
    }
    return s;
  }

  /** Vars and their slots (for query results). */
  vars(): [string, number][] {
    return [...this.slots];
  }

  temp(): CVar {
    return { k: TK.Var, slot: this.nslots++, name: '' };
  }

  private v(name: string): CVar {
    return { k: TK.Var, slot: this.slotOf(name), name };
  }

  private compose(pre: Pre, last: Step): Step {
    let s = last;
    for (let i = pre.length - 1; i >= 0; i--) s = pre[i]!(s);
    return s;
  }

  lowerBody(body: Body, next: Step): Step {
    let s = next;
    for (let i = body.length - 1; i >= 0; i--) s = this.lowerExpr(body[i]!, s);
    return s;
  }

  /** Steps computing `terms` (appended after a rule body: head values, function arguments). */
  lowerTrailing(terms: Term[], next: Step): { step: Step; out: CTerm[] } {
    const pre: Pre = [];
    const out = terms.map((t) => this.term(t, pre, false));
    return { step: this.compose(pre, next), out };
  }

  lowerExpr(e: Expr, next: Step): Step {
    if (e.with.length > 0) {
      const pre: Pre = [];
      const mods = e.with.map((w) => this.withMod(w.target, w.value, pre, w.loc ?? e.loc, w.fnTarget)).filter((m): m is WithMod => m !== undefined);
      const inner = this.lowerExpr({ ...e, with: [] }, done);
      return this.compose(pre, withStep(mods, inner, next));
    }
    if (e.negated) {
      const inner = this.lowerExpr({ ...e, negated: false }, done);
      return notStep(inner, next);
    }
    const ts = e.terms;
    const pre: Pre = [];
    let main: Step;
    if (Array.isArray(ts)) {
      const op = ts[0]!;
      const name = refToDotted(op);
      if ((name === 'eq' || name === 'assign') && ts.length === 3) {
        main = this.lowerEq(ts[1]!, ts[2]!, pre, next, e.loc);
      } else {
        main = this.lowerCall(op as RefTerm, ts.slice(1), pre, undefined, e.loc)(next);
      }
    } else {
      switch (ts.type) {
        case 'some':
          return next;
        case 'every': {
          const domain = this.term(ts.domain, pre, false);
          const key = ts.key ? this.term(ts.key, pre, false) : undefined;
          const value = this.term(ts.value, pre, false);
          const body = this.lowerBody(ts.body, done);
          main = everyStep(key, value, domain, body, next);
          break;
        }
        case 'logical': {
          const left = this.lowerBody(ts.left, done);
          const right = ts.right.length > 0 ? this.lowerBody(ts.right, done) : undefined;
          main = logicalStep(ts.op, left, right, next);
          break;
        }
        default: {
          const t = this.term(ts, pre, true);
          main = testStep(t, next);
        }
      }
    }
    return this.compose(pre, main);
  }

  private lowerEq(a: Term, b: Term, pre: Pre, next: Step, loc: Location | undefined): Step {
    // `x = f(y)` / `f(y) = x`: call with the other side as output, no temporary.
    if (b.type === 'call' && a.type !== 'call' && !isSpecial(b)) {
      const build = this.lowerCall(b.operator, b.args, pre, undefined, b.loc ?? loc, a);
      return build(next);
    }
    if (a.type === 'call' && b.type !== 'call' && !isSpecial(a)) {
      const build = this.lowerCall(a.operator, a.args, pre, undefined, a.loc ?? loc, b);
      return build(next);
    }
    const ca = this.term(a, pre, true);
    const cb = this.term(b, pre, true);
    if (cb.k === TK.Var && ca.k !== TK.Var) return eqStep(cb, ca, next);
    return eqStep(ca, cb, next);
  }

  // -------------------------------------------------------------------------------------------

  term(t: Term, pre: Pre, top: boolean): CTerm {
    switch (t.type) {
      case 'null':
      case 'boolean':
      case 'number':
      case 'string':
        return { k: TK.Const, v: scalarOf(t)! };
      case 'var':
        return this.v(t.name);
      case 'ref':
        return this.ref(t, pre, top);
      case 'array': {
        const items = t.items.map((x) => this.term(x, pre, false));
        if (items.every(isConst)) return { k: TK.Const, v: items.map((x) => x.v) };
        return { k: TK.Array, items };
      }
      case 'set': {
        const items = t.items.map((x) => this.term(x, pre, false));
        if (items.every(isConst)) return { k: TK.Const, v: RSet.from(items.map((x) => x.v)) };
        return { k: TK.Set, items };
      }
      case 'object': {
        const keys = t.items.map(([k]) => this.term(k, pre, false));
        const values = t.items.map(([, v]) => this.term(v, pre, false));
        if (keys.every(isConst) && values.every(isConst)) {
          const o = new RObject();
          keys.forEach((k, i) => o.set(k.v, (values[i] as { v: Value }).v));
          return { k: TK.Const, v: o };
        }
        return { k: TK.Object, keys, values };
      }
      case 'call': {
        const special = this.specialCall(t, pre);
        if (special) return special;
        const out = this.temp();
        pre.push(this.lowerCall(t.operator, t.args, pre, out, t.loc));
        return out;
      }
      case 'arraycomp':
      case 'setcomp':
      case 'objectcomp':
        return this.comprehension(t, pre);
      case 'template': {
        const out = this.temp();
        const ops: (string | Operand)[] = t.parts.map((p) => {
          if (p.type === 'expr') return this.operandOfExpr(p);
          if (p.type === 'string') return p.value;
          return this.operand(p);
        });
        pre.push((next) => templateStep(ops, out, t.loc, next));
        return out;
      }
    }
  }

  private comprehension(t: Term & { type: 'arraycomp' | 'setcomp' | 'objectcomp' }, pre: Pre): CTerm {
    const out = this.temp();
    const closed = this.isClosed(t);
    if (!closed) {
      const indexed = this.indexedComprehension(t, pre, out);
      if (indexed) return out;
    }
    const body = this.lowerBody(t.body, done);
    const headPre: Pre = [];
    const b = (s: Step) => (headPre.length > 0 ? this.chain(s, this.compose(headPre, done)) : s);
    const cacheId = closed ? newComprehensionCacheId() : undefined;
    if (t.type === 'objectcomp') {
      const key = this.term(t.key, headPre, false);
      const value = this.term(t.value, headPre, false);
      const compute = objectComp(b(body), key, value, t.loc);
      pre.push((next) => compStep(compute, out, cacheId, next));
    } else {
      const head = this.term(t.term, headPre, false);
      const compute = t.type === 'arraycomp' ? arrayComp(b(body), head) : setComp(b(body), head);
      pre.push((next) => compStep(compute, out, cacheId, next));
    }
    return out;
  }

  /**
   * Comprehension indexing: when the comprehension uses variables of the enclosing rule only in
   * equalities `inner == outer` (e.g. `[x | some x in xs; x.type == r.type]`), evaluate it once for
   * all keys and look the group up per evaluation, instead of re-running it per binding.
   */
  private indexedComprehension(t: Term & { type: 'arraycomp' | 'setcomp' | 'objectcomp' }, pre: Pre, out: CVar): boolean {
    if (!this.varCounts || !this.env.arity) return false;
    const inner = countVars([t]);
    const captured = new Set<string>();
    for (const [name, n] of inner) if ((this.varCounts.get(name) ?? 0) !== n) captured.add(name);
    if (captured.size === 0) return false;
    let hasPrint = false;
    walkTerm(t, (x) => {
      if (x.type === 'call') {
        const n = refToDotted(x.operator);
        if (n === 'print' || n === 'internal.print') hasPrint = true;
      }
      return hasPrint;
    });
    if (hasPrint) return false;
    const varsOf = (x: Term) => countVars([x]);
    const keys: { outer: Term; slotName: string }[] = [];
    const body: Body = [];
    let usesInKeys = new Map<string, number>();
    for (const e of t.body) {
      const ts = e.terms;
      const name = Array.isArray(ts) ? refToDotted(ts[0]!) : undefined;
      if (!e.negated && e.with.length === 0 && Array.isArray(ts) && ts.length === 3 && (name === 'equal' || name === 'eq')) {
        const [a, b] = [ts[1]!, ts[2]!];
        const va = varsOf(a);
        const vb = varsOf(b);
        const onlyCaptured = (v: Map<string, number>) => v.size > 0 && [...v.keys()].every((n) => captured.has(n));
        const noCaptured = (v: Map<string, number>) => [...v.keys()].every((n) => !captured.has(n));
        let outerSide: Term | undefined;
        let innerSide: Term | undefined;
        if (onlyCaptured(va) && noCaptured(vb) && vb.size > 0) [outerSide, innerSide] = [a, b];
        else if (onlyCaptured(vb) && noCaptured(va) && va.size > 0) [outerSide, innerSide] = [b, a];
        // Outer keys are looked up per evaluation: a variable or a plain ref (`r.kind`).
        const simpleOuter = (x: Term | undefined) =>
          x !== undefined &&
          (x.type === 'var' ||
            (x.type === 'ref' && x.terms[0]!.type === 'var' && x.terms.slice(1).every((y) => y.type === 'var' || y.type === 'string' || y.type === 'number')));
        if (outerSide && innerSide && simpleOuter(outerSide)) {
          const slotName = `__index${this.nslots}_${keys.length}__`;
          keys.push({ outer: outerSide, slotName });
          for (const [n, c] of varsOf(outerSide)) usesInKeys.set(n, (usesInKeys.get(n) ?? 0) + c);
          body.push({ ...e, terms: [{ type: 'ref', terms: [{ type: 'var', name: 'eq' }] }, { type: 'var', name: slotName }, innerSide] });
          continue;
        }
      }
      body.push(e);
    }
    if (keys.length === 0) return false;
    // Every use of a captured variable must be inside a key.
    for (const n of captured) if ((inner.get(n) ?? 0) !== (usesInKeys.get(n) ?? 0)) return false;
    const scratch = new CompileErrors();
    const ordered = reorderBody(body, new Set(), this.env.arity, scratch);
    if (scratch.size > 0) return false;
    // Arrays keep the order of their body; only index when it does not change.
    if (t.type === 'arraycomp' && ordered.some((e, i) => e !== body[i])) return false;
    usesInKeys = new Map();
    const outerKeys = keys.map((k) => this.term(k.outer, pre, true));
    const keySlots = keys.map((k) => this.v(k.slotName));
    const bodyStep = this.lowerBody(ordered, done);
    const headPre: Pre = [];
    let head: CompHead;
    if (t.type === 'objectcomp') head = { kind: 'object', key: this.term(t.key, headPre, false), value: this.term(t.value, headPre, false), loc: t.loc };
    else head = { kind: t.type === 'arraycomp' ? 'array' : 'set', term: this.term(t.term, headPre, false) };
    const full = headPre.length > 0 ? this.chain(bodyStep, this.compose(headPre, done)) : bodyStep;
    const cacheId = newComprehensionCacheId();
    pre.push((next) => indexedCompStep(full, head, keySlots, outerKeys, out, cacheId, next));
    return true;
  }

  private chain(body: Step, tail: Step): Step {
    return (f, k) => body(f, () => tail(f, k));
  }

  private ref(t: RefTerm, pre: Pre, top: boolean): CTerm {
    const head = t.terms[0]!;
    const path = t.terms.slice(1).map((x) => this.term(x, pre, false));
    let r: CRef;
    if (head.type === 'var' && head.name === 'input') r = { k: TK.Ref, root: 'input', path, loc: t.loc };
    else if (head.type === 'var' && head.name === 'data') r = { k: TK.Ref, root: 'data', path, loc: t.loc };
    else {
      const h = this.term(head, pre, false);
      if (path.length === 0) return h;
      r = { k: TK.Ref, root: 'term', head: h, path, loc: t.loc };
    }
    if (top) return r;
    const out = this.temp();
    pre.push((next) => eqStep(out, r, next));
    return out;
  }

  /** Calls that are compiled specially (print, metadata, template strings). */
  private specialCall(t: Term & { type: 'call' }, pre: Pre): CTerm | undefined {
    const name = refToDotted(t.operator);
    if (name === 'rego.metadata.chain' && t.args.length === 0) return { k: TK.Const, v: this.env.metadata('chain') };
    if (name === 'rego.metadata.rule' && t.args.length === 0) return { k: TK.Const, v: this.env.metadata('rule') };
    void pre;
    return undefined;
  }

  private operand(t: Term): Operand {
    const out = this.temp();
    const pre: Pre = [];
    const c = this.term(t, pre, true);
    const body = this.compose(pre, eqStep(out, c, done));
    return { body, out };
  }

  private operandOfExpr(e: Expr): Operand {
    const out = this.temp();
    const ts = e.terms;
    const value = (next: Step): Step => {
      const pre: Pre = [];
      if (Array.isArray(ts)) {
        const build = this.lowerCall(ts[0] as RefTerm, ts.slice(1), pre, out, e.loc);
        return this.compose(pre, build(next));
      }
      if (ts.type === 'some' || ts.type === 'every' || ts.type === 'logical') {
        return this.lowerExpr({ ...e, with: [] }, eqStep(out, { k: TK.Const, v: true }, next));
      }
      const c = this.term(ts, pre, true);
      return this.compose(pre, eqStep(out, c, next));
    };
    if (e.with.length > 0) {
      const pre: Pre = [];
      const mods = e.with.map((w) => this.withMod(w.target, w.value, pre, w.loc ?? e.loc, w.fnTarget)).filter((m): m is WithMod => m !== undefined);
      return { body: this.compose(pre, withStep(mods, value(done), done)), out };
    }
    return { body: value(done), out };
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  /**
   * Lowers a call: arguments are lowered now (their extraction steps go to `pre`); the returned
   * builder makes the call step. `out` receives the result; with no `out`, a call with one
   * argument more than the function's arity uses the last argument as output, otherwise the
   * result must not be false. `outTerm` is an output given as an AST term (from `x = f(y)`).
   */
  lowerCall(op: RefTerm, args: Term[], pre: Pre, out: CTerm | undefined, loc: Location | undefined, outTerm?: Term): (next: Step) => Step {
    const name = refToDotted(op);
    const outOf = (): CTerm | undefined => out ?? (outTerm ? this.term(outTerm, pre, false) : undefined);
    if (name === 'print' || name === 'internal.print') {
      const ops = args.map((a) => this.operand(a));
      const o = outOf();
      return (next) => printStep(ops, o ? eqStep(o, { k: TK.Const, v: true }, next) : next);
    }
    if ((name === 'rego.metadata.chain' || name === 'rego.metadata.rule') && args.length <= 1) {
      const v: CTerm = { k: TK.Const, v: this.env.metadata(name === 'rego.metadata.chain' ? 'chain' : 'rule') };
      const o = args.length === 1 ? this.term(args[0]!, pre, false) : outOf();
      return (next) => (o ? eqStep(o, v, next) : next);
    }
    const skip = (next: Step) => next;
    let target: CallTarget | undefined;
    let arity = -1;
    const head = op.terms[0]!;
    if (head.type === 'var' && head.name === 'data') {
      const path: Value[] = [];
      for (const x of op.terms.slice(1)) {
        const c = scalarOf(x);
        if (c === undefined) {
          this.env.errs.add('rego_type_error', `illegal call: function reference must be ground`, loc);
          return skip;
        }
        path.push(c);
      }
      const key = dataPathKey(path);
      const group = this.env.funcGroup(key);
      if (!group && args.length === 0 && this.env.nodeAt(path)?.group) {
        // Calling a zero-argument "function" is reading the rule's value.
        const ref: CRef = { k: TK.Ref, root: 'data', path: path.map((v) => ({ k: TK.Const, v })), loc };
        const o = outOf();
        return (next) => (o ? eqStep(o, ref, next) : testStep(ref, next));
      }
      if (!group) {
        this.env.errs.add('rego_type_error', `undefined function ${key}`, loc);
        return skip;
      }
      target = { name: key, group };
      arity = this.env.funcArity(key);
    } else if (name !== undefined) {
      if (this.env.disabled?.(name)) {
        this.env.errs.add('rego_type_error', `${name}: builtin is disabled by the policy settings`, loc);
        return skip;
      }
      const rel = this.env.relation(name);
      const def = this.env.builtin(name);
      if (rel) {
        const cargs = args.map((a) => this.term(a, pre, false));
        const ar = def?.arity ?? 1;
        if (cargs.length === ar + 1) return (next) => relationStep(name, rel, cargs.slice(0, ar), cargs[ar], loc, next);
        const o = outOf();
        return (next) => relationStep(name, rel, cargs, o, loc, next);
      }
      if (!def) {
        this.env.errs.add('rego_type_error', `undefined function ${name}`, loc);
        return skip;
      }
      target = { name, builtin: def };
      arity = def.arity;
    } else {
      this.env.errs.add('rego_type_error', `illegal call`, loc);
      return skip;
    }
    const cargs = args.map((a) => this.term(a, pre, false));
    const t = target;
    if (arity >= 0) {
      if (cargs.length === arity + 1 && out === undefined && outTerm === undefined) {
        return (next) => callStep(t, cargs.slice(0, arity), cargs[arity], loc, next);
      }
      if (cargs.length !== arity) {
        this.env.errs.add('rego_type_error', `${t.name}: ${cargs.length > arity ? 'too many arguments' : 'too few arguments'}`, loc);
        return skip;
      }
    }
    const o = outOf();
    return (next) => callStep(t, cargs, o, loc, next);
  }

  // -------------------------------------------------------------------------------------------
  // with

  private withMod(target: Term, value: Term, pre: Pre, loc: Location | undefined, fnTarget?: string): WithMod | undefined {
    const errs = this.env.errs;
    const constPath = (terms: Term[]): Value[] | undefined => {
      const out: Value[] = [];
      for (const t of terms) {
        const c = scalarOf(t);
        if (c === undefined) return undefined;
        out.push(c);
      }
      return out;
    };
    if (target.type === 'ref' && target.terms[0]!.type === 'var' && (target.terms[0]!.name === 'input' || target.terms[0]!.name === 'data')) {
      const root = target.terms[0]!.name;
      const path = constPath(target.terms.slice(1));
      if (!path) {
        errs.add('rego_compile_error', 'with keyword target must be a ground reference', loc);
        return undefined;
      }
      if (root === 'input') return { kind: 'input', path, value: this.term(value, pre, false) };
      const fn = this.env.funcGroup(dataPathKey(path));
      if (fn) return fnTarget ? { kind: 'mockfn', name: dataPathKey(path), target: fnTarget } : this.mockMod(dataPathKey(path), value, pre, loc);
      const node = this.env.nodeAt(path);
      return { kind: 'data', path, value: this.term(value, pre, false), nodes: node ? [node] : [] };
    }
    const name = refToDotted(target);
    if (name !== undefined && (this.env.builtin(name) || this.env.relation(name))) {
      return fnTarget ? { kind: 'mockfn', name, target: fnTarget } : this.mockMod(name, value, pre, loc);
    }
    errs.add('rego_compile_error', 'with keyword target must reference existing input, data, or a function', loc);
    return undefined;
  }

  private mockMod(name: string, value: Term, pre: Pre, loc: Location | undefined): WithMod | undefined {
    // A function (user function or builtin) as replacement, or a plain value.
    if (value.type === 'ref' || value.type === 'var') {
      const head = value.type === 'ref' ? value.terms[0]! : value;
      if (head.type === 'var' && head.name === 'data' && value.type === 'ref') {
        const path: Value[] = [];
        let ground = true;
        for (const x of value.terms.slice(1)) {
          const c = scalarOf(x);
          if (c === undefined) ground = false;
          else path.push(c);
        }
        if (ground && this.env.funcGroup(dataPathKey(path))) return { kind: 'mockfn', name, target: dataPathKey(path) };
      } else {
        const n = refToDotted(value);
        if (n !== undefined && (this.env.builtin(n) || this.env.relation(n))) return { kind: 'mockfn', name, target: n };
      }
    }
    void loc;
    return { kind: 'mock', name, value: this.term(value, pre, false) };
  }

}

/** Occurrences of variables (not operators, not `input`/`data`) in terms and expressions. */
function countVars(xs: (Term | Expr)[]): Map<string, number> {
  const out = new Map<string, number>();
  const term = (t: Term): void => {
    walkTerm(t, (x) => {
      if (x.type === 'var') {
        out.set(x.name, (out.get(x.name) ?? 0) + 1);
        return false;
      }
      if (x.type === 'ref' && x.terms[0]!.type === 'var' && (x.terms[0]!.name === 'input' || x.terms[0]!.name === 'data')) {
        x.terms.slice(1).forEach(term);
        return true;
      }
      if (x.type === 'call') {
        x.args.forEach(term);
        return true;
      }
      if (x.type === 'arraycomp' || x.type === 'setcomp') {
        term(x.term);
        x.body.forEach(expr);
        return true;
      }
      if (x.type === 'objectcomp') {
        term(x.key);
        term(x.value);
        x.body.forEach(expr);
        return true;
      }
      if (x.type === 'template') {
        for (const p of x.parts) {
          if (p.type === 'expr') expr(p);
          else term(p);
        }
        return true;
      }
      return false;
    });
  };
  const expr = (e: Expr): void => {
    const ts = e.terms;
    if (Array.isArray(ts)) ts.slice(1).forEach(term);
    else if (ts.type === 'some') ts.symbols.forEach(term);
    else if (ts.type === 'every') {
      if (ts.key) term(ts.key);
      term(ts.value);
      term(ts.domain);
      ts.body.forEach(expr);
    } else if (ts.type === 'logical') {
      ts.left.forEach(expr);
      ts.right.forEach(expr);
    } else term(ts);
    for (const w of e.with) {
      term(w.target);
      if (!w.fnTarget) term(w.value);
    }
  };
  for (const x of xs) {
    if (x.type === 'expr') expr(x);
    else term(x);
  }
  return out;
}

function isSpecial(t: Term & { type: 'call' }): boolean {
  const n = refToDotted(t.operator);
  return n === 'print' || n === 'internal.print';
}
