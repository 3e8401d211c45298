import {
  type Body,
  type Expr,
  type Module,
  type Rule,
  type Term,
  copyTerm,
  refTerm,
  stringTerm,
  varTerm,
  walkTerm,
} from '../syntax/ast.ts';
import type { CompileErrors } from '../errors.ts';

// OPA's ResolveRefs stage: inside a module, a variable named like a rule of the package, or like
// an import alias, is a reference to that document (`allow` → `data.pkg.allow`), unless the
// variable is declared locally (`:=`, `some`, function arguments, `every` bindings).

export type Globals = Map<string, Term[]>;

export function buildGlobals(mod: Module, packageRuleNames: Iterable<string>, errs: CompileErrors): Globals {
  const globals: Globals = new Map();
  const pkg = mod.package.path;
  for (const name of packageRuleNames) globals.set(name, [...pkg.map(copyTerm), stringTerm(name)]);
  for (const imp of mod.imports) {
    const path = imp.path.terms;
    const head = path[0]!;
    if (head.type !== 'var') continue;
    if (head.name === 'future' || head.name === 'rego') continue;
    let alias = imp.alias;
    if (!alias) {
      const last = path[path.length - 1]!;
      if (path.length === 1) alias = head.name;
      else if (last.type === 'string') alias = last.value;
      else continue;
    }
    if (path.length === 1 && alias === head.name) continue; // `import input` / `import data`
    if (globals.has(alias) && !packageRuleNamesHas(packageRuleNames, alias)) {
      // duplicate import: reported by the duplicate-import check
    }
    globals.set(alias, path.map(copyTerm));
  }
  void errs;
  return globals;
}

function packageRuleNamesHas(names: Iterable<string>, n: string): boolean {
  for (const x of names) if (x === n) return true;
  return false;
}

/** Stack of sets of declared (local) names that must not be resolved to globals. */
class Ignore {
  private readonly stack: Set<string>[] = [];
  push(s: Set<string>) {
    this.stack.push(s);
  }
  pop() {
    this.stack.pop();
  }
  has(n: string): boolean {
    for (const s of this.stack) if (s.has(n)) return true;
    return false;
  }
}

/** Vars declared by `:=` or `some` anywhere in the body (not inside comprehensions). */
export function declaredVars(body: Body): Set<string> {
  const out = new Set<string>();
  const visitBody = (b: Body) => {
    for (const e of b) visitExpr(e);
  };
  const visitExpr = (e: Expr) => {
    const ts = e.terms;
    if (Array.isArray(ts)) {
      const op = ts[0]!;
      if (op.type === 'ref' && op.terms.length === 1 && op.terms[0]!.type === 'var' && op.terms[0]!.name === 'assign' && ts.length === 3) {
        addVars(ts[1]!, out);
      }
    } else if (ts.type === 'some') {
      for (const s of ts.symbols) {
        if (s.type === 'var') out.add(s.name);
        else if (s.type === 'call') {
          if (s.args.length === 3) addVars(s.args[1]!, out);
          addVars(s.args[0]!, out);
        }
      }
    } else if (ts.type === 'every') {
      visitBody(ts.body);
    } else if (ts.type === 'logical') {
      visitBody(ts.left);
      visitBody(ts.right);
    }
  };
  visitBody(body);
  return out;
}

function addVars(t: Term, out: Set<string>) {
  walkTerm(t, (x) => {
    if (x.type === 'var') out.add(x.name);
    if (x.type === 'arraycomp' || x.type === 'setcomp' || x.type === 'objectcomp') return true;
    return false;
  });
}

export function resolveRule(rule: Rule, globals: Globals): void {
  const ignore = new Ignore();
  const argVars = new Set<string>();
  for (const a of rule.head.args ?? []) addVars(a, argVars);
  ignore.push(argVars);
  ignore.push(declaredVars(rule.body));
  const h = rule.head;
  for (let i = 1; i < h.ref.length; i++) h.ref[i] = resolveTerm(h.ref[i]!, globals, ignore);
  if (h.key) h.key = resolveTerm(h.key, globals, ignore);
  if (h.value) h.value = resolveTerm(h.value, globals, ignore);
  rule.body = resolveBody(rule.body, globals, ignore);
  if (rule.else) resolveRule(rule.else, globals);
}

export function resolveQuery(body: Body, globals: Globals): Body {
  const ignore = new Ignore();
  ignore.push(declaredVars(body));
  return resolveBody(body, globals, ignore);
}

function resolveBody(body: Body, g: Globals, ignore: Ignore): Body {
  return body.map((e) => resolveExpr(e, g, ignore));
}

function resolveExpr(e: Expr, g: Globals, ignore: Ignore): Expr {
  const ts = e.terms;
  let terms: Expr['terms'];
  if (Array.isArray(ts)) terms = ts.map((t) => resolveTerm(t, g, ignore));
  else if (ts.type === 'some') {
    terms = {
      ...ts,
      symbols: ts.symbols.map((s) => (s.type === 'call' ? { ...s, args: s.args.map((a) => resolveTerm(a, g, ignore)) } : s)),
    };
  } else if (ts.type === 'every') {
    const locals = new Set<string>();
    if (ts.key) addVars(ts.key, locals);
    addVars(ts.value, locals);
    const domain = resolveTerm(ts.domain, g, ignore);
    ignore.push(locals);
    terms = { ...ts, domain, body: resolveBody(ts.body, g, ignore) };
    ignore.pop();
  } else if (ts.type === 'logical') {
    terms = { ...ts, left: resolveBody(ts.left, g, ignore), right: resolveBody(ts.right, g, ignore) };
  } else terms = resolveTerm(ts, g, ignore);
  return {
    ...e,
    terms,
    with: e.with.map((w) => ({ ...w, target: resolveTerm(w.target, g, ignore), value: resolveTerm(w.value, g, ignore) })),
  };
}

export function resolveTerm(t: Term, g: Globals, ignore: Ignore): Term {
  switch (t.type) {
    case 'var': {
      const ref = g.get(t.name);
      if (ref && !ignore.has(t.name)) return refTerm(ref.map((x) => withLoc(x, t)), t.loc);
      return t;
    }
    case 'ref': {
      const out: Term[] = [];
      t.terms.forEach((x, i) => {
        if (x.type === 'var') {
          const ref = g.get(x.name);
          if (ref && !ignore.has(x.name)) {
            const cpy = ref.map((y) => withLoc(y, x));
            if (i === 0) out.push(...cpy);
            else out.push(refTerm(cpy, x.loc));
            return;
          }
          out.push(x);
        } else out.push(resolveTerm(x, g, ignore));
      });
      return { ...t, terms: out };
    }
    case 'array':
    case 'set':
      return { ...t, items: t.items.map((x) => resolveTerm(x, g, ignore)) };
    case 'object':
      return { ...t, items: t.items.map(([k, v]) => [resolveTerm(k, g, ignore), resolveTerm(v, g, ignore)] as [Term, Term]) };
    case 'call':
      return { ...t, operator: resolveTerm(t.operator, g, ignore) as typeof t.operator, args: t.args.map((x) => resolveTerm(x, g, ignore)) };
    case 'arraycomp':
    case 'setcomp': {
      ignore.push(declaredVars(t.body));
      const r = { ...t, term: resolveTerm(t.term, g, ignore), body: resolveBody(t.body, g, ignore) };
      ignore.pop();
      return r;
    }
    case 'objectcomp': {
      ignore.push(declaredVars(t.body));
      const r = { ...t, key: resolveTerm(t.key, g, ignore), value: resolveTerm(t.value, g, ignore), body: resolveBody(t.body, g, ignore) };
      ignore.pop();
      return r;
    }
    case 'template':
      return { ...t, parts: t.parts.map((p) => (p.type === 'expr' ? resolveExpr(p, g, ignore) : resolveTerm(p, g, ignore))) };
    default:
      return t;
  }
}

function withLoc(x: Term, at: Term): Term {
  const c = copyTerm(x);
  c.loc = at.loc;
  return c;
}

export { varTerm };
