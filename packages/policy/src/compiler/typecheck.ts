import { type Body, type Expr, type Term, refToDotted, walkTerm } from '../syntax/ast.ts';
import type { CompileErrors } from '../errors.ts';
import { BUILTIN_TYPES, type BaseType, type TypeSpec } from './builtin-types.ts';

// A light version of OPA's type checker: the top-level types of builtin operands that are known
// at compile time (literals, comprehensions, template strings, variables assigned from those or
// from calls with a known result type) are checked against the builtin's operand types.

type Env = Map<string, TypeSpec>;

function termType(t: Term, env: Env): TypeSpec {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return [t.type];
    case 'array':
    case 'arraycomp':
      return ['array'];
    case 'set':
    case 'setcomp':
      return ['set'];
    case 'object':
    case 'objectcomp':
      return ['object'];
    case 'template':
      return ['string'];
    case 'var':
      return env.get(t.name) ?? 'any';
    case 'call': {
      const name = refToDotted(t.operator);
      const sig = name ? BUILTIN_TYPES.get(name) : undefined;
      return sig?.result ?? 'any';
    }
    default:
      return 'any';
  }
}

function fits(have: TypeSpec, want: TypeSpec): boolean {
  if (have === 'any' || want === 'any') return true;
  return have.some((t) => want.includes(t));
}

const show = (t: TypeSpec): string => (t === 'any' ? 'any' : t.length === 1 ? t[0]! : `any<${[...t].sort().join(', ')}>`);

function checkCall(name: string, args: Term[], env: Env, errs: CompileErrors, loc: Term['loc']): void {
  const sig = BUILTIN_TYPES.get(name);
  if (!sig || args.length < sig.args.length || args.length > sig.args.length + 1) return;
  const have = args.slice(0, sig.args.length).map((a) => termType(a, env));
  if (have.every((h, i) => fits(h, sig.args[i]!))) return;
  errs.add(
    'rego_type_error',
    `${name}: invalid argument(s)\n\thave: (${have.map(show).join(', ')})\n\twant: (${sig.args.map(show).join(', ')})`,
    loc,
  );
}

/** Checks nested call terms of a term. */
function checkTerm(t: Term, env: Env, errs: CompileErrors): void {
  walkTerm(t, (x) => {
    if (x.type === 'arraycomp' || x.type === 'setcomp' || x.type === 'objectcomp') {
      const inner = new Map(env);
      checkBody(x.body, inner, errs);
      if (x.type === 'objectcomp') {
        checkTerm(x.key, inner, errs);
        checkTerm(x.value, inner, errs);
      } else checkTerm(x.term, inner, errs);
      return true;
    }
    if (x.type === 'template') {
      for (const p of x.parts) if (p.type === 'expr') checkBody([p], new Map(env), errs);
      return true;
    }
    if (x.type === 'call') {
      const name = refToDotted(x.operator);
      if (name) checkCall(name, x.args, env, errs, x.loc);
    }
    return false;
  });
}

function bind(t: Term, type: TypeSpec, env: Env): void {
  if (t.type === 'var' && type !== 'any' && !env.has(t.name)) env.set(t.name, type);
}

export function checkBody(body: Body, env: Env, errs: CompileErrors): void {
  for (const e of body) checkExpr(e, env, errs);
}

function checkExpr(e: Expr, env: Env, errs: CompileErrors): void {
  const ts = e.terms;
  if (Array.isArray(ts)) {
    const name = refToDotted(ts[0]!);
    const args = ts.slice(1);
    for (const a of args) checkTerm(a, env, errs);
    if ((name === 'eq' || name === 'assign') && args.length === 2) {
      if (!e.negated) {
        bind(args[0]!, termType(args[1]!, env), env);
        bind(args[1]!, termType(args[0]!, env), env);
      }
      return;
    }
    if (name) {
      checkCall(name, args, env, errs, e.loc);
      const sig = BUILTIN_TYPES.get(name);
      if (sig?.result && args.length === sig.args.length + 1 && !e.negated) bind(args[args.length - 1]!, sig.result, env);
    }
    return;
  }
  switch (ts.type) {
    case 'every':
      checkTerm(ts.domain, env, errs);
      checkBody(ts.body, new Map(env), errs);
      return;
    case 'logical':
      checkBody(ts.left, new Map(env), errs);
      checkBody(ts.right, new Map(env), errs);
      return;
    case 'some':
      return;
    default:
      checkTerm(ts, env, errs);
  }
  for (const w of e.with) checkTerm(w.value, env, errs);
}

export type { BaseType };
