import {
  type Body,
  type Every,
  type Expr,
  type Location,
  type Rule,
  type Term,
  type VarTerm,
  exprOf,
  refTerm,
  varTerm,
} from '../syntax/ast.ts';
import type { CompileErrors } from '../errors.ts';

// OPA's RewriteLocalVars stage: variables declared with `:=` or `some` get unique names so that a
// declaration in a comprehension shadows an outer variable, and reuse is reported
// (`var x assigned above`, `var x referenced above`). `some x in xs` becomes `x = xs[_]`.

export class VarGen {
  private n = 0;
  constructor(private readonly prefix = '__local') {}
  next(orig?: string, loc?: Location): VarTerm {
    return { type: 'var', name: `${this.prefix}${this.n++}__`, orig, loc };
  }
}

interface Scope {
  declared: Map<string, string>;
  /** Declared with `some` and not yet used: reported as unused at scope end. */
  someDeclared: Map<string, Location | undefined>;
  seen: Set<string>;
  parent?: Scope;
  kind: 'body' | 'args';
}

const newScope = (parent?: Scope, kind: Scope['kind'] = 'body'): Scope => ({
  declared: new Map(),
  someDeclared: new Map(),
  seen: new Set(),
  parent,
  kind,
});

function lookup(s: Scope | undefined, name: string): string | undefined {
  for (let x = s; x; x = x.parent) {
    const d = x.declared.get(name);
    if (d !== undefined) {
      x.someDeclared.delete(name);
      return d;
    }
  }
  return undefined;
}

function isDeclaredInScope(s: Scope, name: string): boolean {
  return s.declared.has(name);
}

export class LocalRewriter {
  constructor(
    private readonly gen: VarGen,
    private readonly errs: CompileErrors,
    private readonly strict: boolean,
  ) {}

  rewriteRule(rule: Rule): void {
    const argScope = newScope(undefined, 'args');
    const head = rule.head;
    for (const a of head.args ?? []) this.declareArgVars(a, argScope);
    for (let r: Rule | undefined = rule; r; r = r.else) {
      const scope = newScope(argScope);
      r.body = this.rewriteBody(r.body, scope);
      const h = r.head;
      for (let i = 1; i < h.ref.length; i++) h.ref[i] = this.rewriteTerm(h.ref[i]!, scope);
      if (h.key) h.key = this.rewriteTerm(h.key, scope);
      if (h.value) h.value = this.rewriteTerm(h.value, scope);
      if (r !== rule && h.args) h.args = h.args.map((a) => this.rewriteTerm(a, scope));
      this.reportUnused(scope);
    }
    if (head.args) head.args = head.args.map((a) => this.rewriteTerm(a, argScope));
  }

  rewriteQuery(body: Body): Body {
    const scope = newScope();
    const out = this.rewriteBody(body, scope);
    this.reportUnused(scope);
    return out;
  }

  private declareArgVars(t: Term, s: Scope) {
    walkVarsOutsideClosures(t, (v) => {
      if (!v.name.startsWith('$')) s.declared.set(v.name, v.name);
    });
  }

  private reportUnused(s: Scope) {
    for (const [name, loc] of s.someDeclared) this.errs.add('rego_compile_error', `declared var ${name} unused`, loc);
    s.someDeclared.clear();
  }

  rewriteBody(body: Body, scope: Scope): Body {
    const out: Body = [];
    for (const e of body) {
      const r = this.rewriteExpr(e, scope);
      if (r) out.push(r);
    }
    return out;
  }

  private declare(v: VarTerm, scope: Scope, how: 'assign' | 'some' | 'somein'): VarTerm {
    const name = v.name;
    if (name.startsWith('$')) return this.gen.next('_', v.loc);
    if (this.strict && (name === 'input' || name === 'data')) {
      this.errs.add('rego_compile_error', `variables must not shadow ${name} (use a different variable name)`, v.loc);
    }
    if (isDeclaredInScope(scope, name)) {
      this.errs.add('rego_compile_error', `var ${name} ${how === 'some' ? 'declared' : 'assigned'} above`, v.loc);
    } else if (scope.seen.has(name)) {
      this.errs.add('rego_compile_error', `var ${name} referenced above`, v.loc);
    } else if (scope.parent?.kind === 'args' && scope.parent.declared.has(name)) {
      this.errs.add('rego_compile_error', `var ${name} assigned above`, v.loc);
    }
    const nv = this.gen.next(name, v.loc);
    scope.declared.set(name, nv.name);
    if (how === 'some') scope.someDeclared.set(name, v.loc);
    return nv;
  }

  private declarePattern(t: Term, scope: Scope, how: 'assign' | 'some' | 'somein'): Term {
    switch (t.type) {
      case 'var':
        return this.declare(t, scope, how);
      case 'array':
        return { ...t, items: t.items.map((x) => this.declarePattern(x, scope, how)) };
      case 'object':
        return { ...t, items: t.items.map(([k, v]) => [this.rewriteTerm(k, scope), this.declarePattern(v, scope, how)] as [Term, Term]) };
      case 'ref':
        if (how === 'somein') return this.rewriteTerm(t, scope);
        if (t.terms.length === 1 && t.terms[0]!.type === 'var' && (t.terms[0]!.name === 'input' || t.terms[0]!.name === 'data')) {
          this.errs.add('rego_compile_error', `variables must not shadow ${t.terms[0]!.name} (use a different variable name)`, t.loc);
          return t;
        }
        this.errs.add('rego_compile_error', `cannot assign to ref`, t.loc);
        return t;
      default:
        if (how === 'assign' && t.type !== 'null' && t.type !== 'boolean' && t.type !== 'number' && t.type !== 'string') {
          this.errs.add('rego_compile_error', `cannot assign to ${t.type}`, t.loc);
        }
        return this.rewriteTerm(t, scope);
    }
  }

  private rewriteExpr(e: Expr, scope: Scope): Expr | undefined {
    const ts = e.terms;
    const withs = e.with.map((w) => ({ ...w, target: w.target, value: this.rewriteTerm(w.value, scope) }));
    if (Array.isArray(ts)) {
      const op = ts[0]!;
      const opName = op.type === 'ref' && op.terms.length === 1 && op.terms[0]!.type === 'var' ? op.terms[0]!.name : undefined;
      if (opName === 'assign' && ts.length === 3) {
        const rhs = this.rewriteTerm(ts[2]!, scope);
        const lhs = this.declarePattern(ts[1]!, scope, 'assign');
        return { ...e, terms: [op, lhs, rhs], with: withs };
      }
      return { ...e, terms: [op, ...ts.slice(1).map((t) => this.rewriteTerm(t, scope))], with: withs };
    }
    switch (ts.type) {
      case 'some': {
        if (ts.symbols.length === 1 && ts.symbols[0]!.type === 'call') {
          const call = ts.symbols[0]!;
          const args = call.args;
          const container = this.rewriteTerm(args[args.length - 1]!, scope);
          let keyTerm: Term;
          let valTerm: Term;
          if (args.length === 3) {
            keyTerm = this.declarePattern(args[0]!, scope, 'somein');
            valTerm = this.declarePattern(args[1]!, scope, 'somein');
          } else {
            keyTerm = this.gen.next(undefined, call.loc);
            valTerm = this.declarePattern(args[0]!, scope, 'somein');
          }
          const rhs = container.type === 'ref' ? { ...container, terms: [...container.terms, keyTerm] } : refTerm([container, keyTerm], container.loc);
          const eq = refTerm([varTerm('eq', e.loc)], e.loc);
          return { ...e, terms: [eq, valTerm, rhs], with: withs };
        }
        for (const s of ts.symbols) if (s.type === 'var') this.declare(s, scope, 'some');
        return undefined;
      }
      case 'every': {
        const ev: Every = ts;
        const domain = this.rewriteTerm(ev.domain, scope);
        const inner = newScope(scope);
        const key = ev.key ? this.declarePattern(ev.key, inner, 'assign') : undefined;
        const value = this.declarePattern(ev.value, inner, 'assign');
        const body = this.rewriteBody(ev.body, inner);
        this.reportUnused(inner);
        return { ...e, terms: { ...ev, key, value, domain, body }, with: withs };
      }
      case 'logical': {
        // Each operand is a closure with its own scope.
        const ls = newScope(scope);
        const left = this.rewriteBody(ts.left, ls);
        this.reportUnused(ls);
        const rs = newScope(scope);
        const right = this.rewriteBody(ts.right, rs);
        this.reportUnused(rs);
        return { ...e, terms: { ...ts, left, right }, with: withs };
      }
      default:
        return { ...e, terms: this.rewriteTerm(ts, scope), with: withs };
    }
  }

  rewriteTerm(t: Term, scope: Scope): Term {
    switch (t.type) {
      case 'var': {
        const d = lookup(scope, t.name);
        if (d !== undefined) return d === t.name ? t : { ...t, name: d, orig: t.orig ?? t.name };
        scope.seen.add(t.name);
        return t;
      }
      case 'ref':
        return { ...t, terms: t.terms.map((x, i) => (i === 0 && x.type === 'var' && (x.name === 'input' || x.name === 'data') ? x : this.rewriteTerm(x, scope))) };
      case 'array':
      case 'set':
        return { ...t, items: t.items.map((x) => this.rewriteTerm(x, scope)) };
      case 'object':
        return { ...t, items: t.items.map(([k, v]) => [this.rewriteTerm(k, scope), this.rewriteTerm(v, scope)] as [Term, Term]) };
      case 'call':
        return { ...t, args: t.args.map((x) => this.rewriteTerm(x, scope)) };
      case 'arraycomp':
      case 'setcomp': {
        const inner = newScope(scope);
        const body = this.rewriteBody(t.body, inner);
        const term = this.rewriteTerm(t.term, inner);
        this.reportUnused(inner);
        return { ...t, body, term };
      }
      case 'objectcomp': {
        const inner = newScope(scope);
        const body = this.rewriteBody(t.body, inner);
        const key = this.rewriteTerm(t.key, inner);
        const value = this.rewriteTerm(t.value, inner);
        this.reportUnused(inner);
        return { ...t, body, key, value };
      }
      case 'template':
        return {
          ...t,
          parts: t.parts.map((p) => {
            if (p.type !== 'expr') return this.rewriteTerm(p, scope);
            // Each template expression is its own scope (like a comprehension).
            const inner = newScope(scope);
            const r = this.rewriteExpr(p, inner);
            return r ?? exprOf({ type: 'boolean', value: true }, p.loc);
          }),
        };
      default:
        return t;
    }
  }
}

export function walkVarsOutsideClosures(t: Term, f: (v: VarTerm) => void): void {
  switch (t.type) {
    case 'var':
      f(t);
      return;
    case 'ref':
      t.terms.forEach((x) => walkVarsOutsideClosures(x, f));
      return;
    case 'array':
    case 'set':
      t.items.forEach((x) => walkVarsOutsideClosures(x, f));
      return;
    case 'object':
      t.items.forEach(([k, v]) => {
        walkVarsOutsideClosures(k, f);
        walkVarsOutsideClosures(v, f);
      });
      return;
    case 'call':
      t.args.forEach((x) => walkVarsOutsideClosures(x, f));
      return;
    default:
      return;
  }
}
