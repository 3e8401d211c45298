import type { CompileErrors } from '../errors.ts';
import { compare as compareValues, type Value } from '../value.ts';
import { type Body, type Expr, type Location, type RefTerm, type Rule, type Term, refToDotted } from '../syntax/ast.ts';
import type { Signature } from './builtin-types.ts';
import { scalarOf } from './util.ts';
import {
  A,
  B,
  type MaybeType,
  N,
  NULL,
  type ObjectType,
  S,
  type StaticProperty,
  type Type,
  arrayOf,
  hasNil,
  keysOf,
  objectOf,
  or,
  select,
  setOf,
  typeString,
  unifies,
  valuesOf,
} from './types.ts';

// Compile-time type checking after OPA's (ast/check.go): types flow from literals, builtin
// results, rule values (through `data` references) and function results into variables; each
// builtin call is checked against the builtin's declared operand types (nested element types
// included), references into values of known type must select something that exists, and
// unifications (`=`, `:=`) must be able to succeed. Errors read like OPA's:
//   count: invalid argument(s) / have: (number) / want: (any<string, array[any], …>)
//   undefined ref: x.b / … want (one of): ["a"]
//   match error / left  : number / right : string
//
// Anything whose type is not known (input, base data, function parameters, builtins without a
// declaration) is `any`, which never causes an error: the checker only rejects what OPA rejects.

export interface RuleDefinition {
  rule: Rule;
  kind: 'complete' | 'multi' | 'object' | 'function';
  /** Non-ground part of a ref head (`p[x] := …`). */
  suffix: Term[];
}

export interface TypeHost {
  /** What is at a data path: the rules defined there, a package/prefix node, or nothing. */
  lookup(path: readonly Value[]): { rules: RuleDefinition[]; key: string } | 'node' | undefined;
  /** Declared type of a builtin (undefined: unknown or undeclared). */
  signature(name: string): Signature | undefined;
}

type Env = Map<string, MaybeType>;

export class TypeChecker {
  private readonly ruleTypes = new Map<string, MaybeType | 'pending'>();
  /** Set while checking one expression: a reference error was reported in it. */
  private refErrorInExpr = false;

  constructor(
    private readonly host: TypeHost,
    private readonly errs: CompileErrors,
  ) {}

  /** Checks every definition of the rules at `key`; returns the type of their value. */
  ruleType(key: string, defs: RuleDefinition[]): MaybeType {
    const known = this.ruleTypes.get(key);
    if (known === 'pending') return A; // recursion (reported elsewhere)
    if (known !== undefined || this.ruleTypes.has(key)) return known as MaybeType;
    this.ruleTypes.set(key, 'pending');
    let t: MaybeType;
    let sawError = false;
    let opaque = false;
    for (const d of defs) {
      if (d.suffix.length > 0 || d.kind === 'object') opaque = true;
      for (let r: Rule | undefined = d.rule; r; r = r.else) {
        const before = this.errs.size;
        const env: Env = new Map();
        // Parameters (shared by `else` branches) are not typed from their uses: `any`.
        for (const a of d.rule.head.args ?? []) bindAll(a, env, A);
        this.checkBody(r.body, env);
        const h = r.head;
        let v: MaybeType;
        if (d.kind === 'multi') v = setOf(h.key ? this.typeOf(h.key, env) : A);
        else v = h.value ? this.typeOf(h.value, env) : B;
        if (this.errs.size > before) sawError = true;
        t = or(t, hasNil(v) ? A : v);
      }
    }
    // OPA gives a rule with a type error the type `any`, so its uses do not repeat the error.
    const result = sawError || opaque ? A : t;
    this.ruleTypes.set(key, result);
    return result;
  }

  checkQuery(body: Body): void {
    this.checkBody(body, new Map());
  }

  private checkBody(body: Body, env: Env): void {
    for (const e of body) this.checkExpr(e, env);
  }

  private checkExpr(e: Expr, outer: Env): void {
    // A negated expression binds nothing outside of itself.
    const env = e.negated ? new Map(outer) : outer;
    this.refErrorInExpr = false;
    for (const w of e.with) this.typeOf(w.value, new Map(env));
    const ts = e.terms;
    if (Array.isArray(ts)) {
      const op = ts[0] as RefTerm;
      const name = refToDotted(op);
      const args = ts.slice(1);
      if ((name === 'eq' || name === 'assign') && args.length === 2) {
        this.checkEq(args[0]!, args[1]!, env, e.loc);
        return;
      }
      this.checkCall(op, name, args, env, e.loc, true);
      return;
    }
    switch (ts.type) {
      case 'some':
        return;
      case 'every': {
        this.typeOf(ts.domain, env);
        const inner = new Map(env);
        if (ts.key) bindAll(ts.key, inner, A);
        bindAll(ts.value, inner, A);
        this.checkBody(ts.body, inner);
        return;
      }
      case 'logical':
        this.checkBody(ts.left, new Map(env));
        this.checkBody(ts.right, new Map(env));
        return;
      default:
        this.typeOf(ts, env);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Types of terms (checking what they contain on the way)

  private typeOf(t: Term, env: Env): MaybeType {
    switch (t.type) {
      case 'null':
        return NULL;
      case 'boolean':
        return B;
      case 'number':
        return N;
      case 'string':
        return S;
      case 'var':
        if (t.name === 'input' || t.name === 'data') return A;
        return env.get(t.name);
      case 'array':
        return arrayOf(t.items.length === 0 ? A : undefined, t.items.map((x) => this.typeOf(x, env)));
      case 'set': {
        let of: MaybeType;
        for (const x of t.items) of = or(of, this.typeOf(x, env));
        return setOf(t.items.length === 0 ? A : of);
      }
      case 'object': {
        const statics: StaticProperty[] = [];
        let dynamic: { key: MaybeType; value: MaybeType } | undefined;
        for (const [k, v] of t.items) {
          const key = constantKey(k);
          if (key !== NOT_CONSTANT) statics.push({ key, value: this.typeOf(v, env) });
          else dynamic = { key: this.typeOf(k, env), value: this.typeOf(v, env) };
        }
        return objectOf(statics, statics.length === 0 && dynamic === undefined ? { key: A, value: A } : dynamic);
      }
      case 'arraycomp':
      case 'setcomp':
      case 'objectcomp': {
        const inner = new Map(env);
        const saved = this.refErrorInExpr;
        const before = this.errs.size;
        this.checkBody(t.body, inner);
        let out: Type;
        if (t.type === 'objectcomp') out = objectOf([], { key: this.typeOf(t.key, inner), value: this.typeOf(t.value, inner) });
        else if (t.type === 'arraycomp') out = arrayOf(this.typeOf(t.term, inner));
        else out = setOf(this.typeOf(t.term, inner));
        this.refErrorInExpr = saved || this.errs.size > before;
        return this.errs.size > before || hasNil(out) ? A : out;
      }
      case 'template':
        for (const p of t.parts) {
          if (p.type === 'expr') this.checkExpr(p, new Map(env));
          else this.typeOf(p, env);
        }
        return S;
      case 'call':
        return this.checkCall(t.operator, refToDotted(t.operator), t.args, env, t.loc, false);
      case 'ref':
        return this.refType(t, env);
    }
  }

  // -------------------------------------------------------------------------------------------
  // References

  private refType(ref: RefTerm, env: Env): MaybeType {
    const head = ref.terms[0]!;
    if (head.type === 'var' && head.name === 'data') return this.dataRefType(ref, env);
    let t: MaybeType;
    if (head.type === 'var') {
      if (head.name === 'input') t = A;
      else {
        t = env.get(head.name);
        if (t === undefined) {
          // An unbound head (a function parameter OPA has not typed yet): anything.
          t = A;
          if (!head.name.startsWith('$')) env.set(head.name, A);
        }
      }
    } else {
      t = this.typeOf(head, env);
    }
    return this.selectPath(ref, 1, t ?? A, env);
  }

  /** `data.pkg.rule…`: the rule's value type, then the rest of the path into it. */
  private dataRefType(ref: RefTerm, env: Env): MaybeType {
    const path: Value[] = [];
    for (let i = 1; i < ref.terms.length; i++) {
      const seg = ref.terms[i]!;
      const key = constantKey(seg);
      if (key === NOT_CONSTANT) return this.selectPath(ref, i, A, env); // dynamic: base data or a package
      path.push(key);
      const at = this.host.lookup(path);
      if (at === undefined) return this.selectPath(ref, i + 1, A, env); // not a rule: base data
      if (at === 'node') continue;
      const fn = at.rules.some((d) => d.kind === 'function');
      if (fn) return this.selectPath(ref, i + 1, A, env);
      return this.selectPath(ref, i + 1, this.ruleType(at.key, at.rules), env);
    }
    return A;
  }

  /** Follows `ref.terms[from…]` into a value of type `t`, as OPA's checkRefLeaf does. */
  private selectPath(ref: RefTerm, from: number, t: MaybeType, env: Env): MaybeType {
    let cur = t;
    for (let i = from; i < ref.terms.length; i++) {
      const seg = ref.terms[i]!;
      if (cur === undefined) return undefined;
      const keys = keysOf(cur);
      if (keys === undefined) {
        this.refError(ref, [refString(ref), '^'.repeat(refString(ref, i - 1).length), `have: ${typeString(cur)}`]);
        return A;
      }
      const key = constantKey(seg);
      if (key !== NOT_CONSTANT) {
        const child = select(cur, key);
        if (child === undefined) {
          this.invalidKey(ref, i, undefined, keys, cur);
          return A;
        }
        cur = child;
        continue;
      }
      if (seg.type === 'var') {
        const have = env.get(seg.name);
        if (have === undefined) env.set(seg.name, keys);
        else if (!unifies(have, keys)) {
          this.invalidKey(ref, i, have, keys, cur);
          return A;
        }
      } else if (seg.type === 'array' || seg.type === 'object' || seg.type === 'set') {
        if (!this.unify1(seg, keys, env, false)) {
          this.invalidKey(ref, i, this.typeOf(seg, env), keys, undefined);
          return A;
        }
      } else {
        const have = this.typeOf(seg, env);
        if (have !== undefined && !unifies(have, keys)) {
          this.invalidKey(ref, i, have, keys, cur);
          return A;
        }
      }
      cur = valuesOf(cur);
    }
    return cur;
  }

  private invalidKey(ref: RefTerm, pos: number, have: MaybeType, want: MaybeType, container: MaybeType): void {
    const pad = ' '.repeat(refString(ref, pos - 1).length + 1);
    const lines = [refString(ref), pad + '^'];
    lines.push(have !== undefined ? `${pad}have (type): ${typeString(have)}` : `${pad}have: ${termString(ref.terms[pos]!)}`);
    const oneOf = objectKeys(container);
    lines.push(oneOf.length > 0 ? `${pad}want (one of): [${oneOf.join(' ')}]` : `${pad}want (type): ${typeString(want)}`);
    this.refError(ref, lines);
  }

  private refError(ref: RefTerm, lines: string[]): void {
    this.refErrorInExpr = true;
    this.errs.add('rego_type_error', `undefined ref: ${refString(ref)}` + lines.map((l) => '\n\t' + l).join(''), ref.loc ?? ref.terms[0]!.loc);
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  /**
   * Checks a call; `isExpr` means it stands as an expression, where one extra argument is the
   * output. Returns the type of the call's value.
   */
  private checkCall(op: RefTerm, name: string | undefined, args: Term[], env: Env, loc: Location | undefined, isExpr: boolean): MaybeType {
    const sig = name !== undefined && !name.startsWith('data.') ? this.host.signature(name) : undefined;
    if (sig === undefined) {
      const ret = name !== undefined && name.startsWith('data.') ? this.functionResult(op, env) : A;
      const n = isExpr ? this.userFunctionArity(op) : -1;
      args.forEach((a, i) => {
        if (isExpr && n >= 0 && i === n) this.unify1(a, ret, env, false);
        else this.typeOf(a, env);
      });
      return ret;
    }
    const want = sig.result !== undefined ? [...sig.args, sig.result] : [...sig.args];
    const have = args.map((a) => this.typeOf(a, env));
    const fail = (msg: string, types: MaybeType[]) => {
      if (this.refErrorInExpr && types.some(hasNil)) return; // a more precise error was reported
      this.errs.add(
        'rego_type_error',
        `${name}: ${msg}\n\thave: (${types.map(typeString).join(', ')})\n\twant: (${want.map(typeString).join(', ')})`,
        loc,
      );
    };
    if (args.length > want.length) {
      fail('too many arguments', have);
      return sig.result ?? A;
    }
    if (args.length < sig.args.length) {
      fail('too few arguments', have);
      return sig.result ?? A;
    }
    for (let i = 0; i < args.length; i++) {
      if (!this.unify1(args[i]!, want[i], env, false)) {
        fail('invalid argument(s)', args.map((a) => this.typeOf(a, env)));
        break;
      }
    }
    return sig.result ?? A;
  }

  private userFunctionArity(op: RefTerm): number {
    const path = dataPath(op);
    const at = path ? this.host.lookup(path) : undefined;
    if (at === undefined || at === 'node') return -1;
    const fn = at.rules.find((d) => d.kind === 'function');
    return fn ? fn.rule.head.args!.length : -1;
  }

  private functionResult(op: RefTerm, _env: Env): MaybeType {
    const path = dataPath(op);
    const at = path ? this.host.lookup(path) : undefined;
    if (at === undefined || at === 'node') return A;
    return this.ruleType(at.key, at.rules) ?? A;
  }

  // -------------------------------------------------------------------------------------------
  // Unification (OPA's unify1 / unify2)

  private checkEq(a: Term, b: Term, env: Env, loc: Location | undefined): void {
    const ta = this.typeOf(a, env);
    const tb = this.typeOf(b, env);
    if (!this.unify2(a, ta, b, tb, env)) {
      if (this.refErrorInExpr && (hasNil(ta) || hasNil(tb))) return;
      this.errs.add('rego_type_error', `match error\n\tleft  : ${typeString(ta)}\n\tright : ${typeString(tb)}`, loc);
    }
  }

  private unify2(a: Term, ta: MaybeType, b: Term, tb: MaybeType, env: Env): boolean {
    const nilA = hasNil(ta);
    const nilB = hasNil(tb);
    if (nilA && !nilB) return this.unify1(a, tb, env, false);
    if (nilB && !nilA) return this.unify1(b, ta, env, false);
    if (!nilA && !nilB) return unifies(ta, tb);
    if (a.type === 'array') return this.unify2Array(a, b, env);
    if (a.type === 'object') return this.unify2Object(a, b, env);
    if (a.type === 'var') {
      if (b.type === 'var') return this.unify1(a, A, env, false) && this.unify1(b, this.typeOf(a, env), env, false);
      if (b.type === 'array') return this.unify2Array(b, a, env);
      if (b.type === 'object') return this.unify2Object(b, a, env);
    }
    return false;
  }

  private unify2Array(a: Term & { type: 'array' }, b: Term, env: Env): boolean {
    if (b.type === 'array') {
      if (a.items.length !== b.items.length) return false;
      return a.items.every((x, i) => this.unify2(x, this.typeOf(x, env), b.items[i]!, this.typeOf(b.items[i]!, env), env));
    }
    if (b.type === 'var') return this.unify1(a, A, env, false) && this.unify1(b, this.typeOf(a, env), env, false);
    return false;
  }

  private unify2Object(a: Term & { type: 'object' }, b: Term, env: Env): boolean {
    if (b.type === 'object') {
      const pairs: [Term, Term][] = [];
      for (const [k, v] of a.items) {
        const key = constantKey(k);
        const other = key === NOT_CONSTANT ? undefined : b.items.find(([k2]) => constantKey(k2) !== NOT_CONSTANT && sameKey(constantKey(k2) as Value, key));
        if (other) pairs.push([v, other[1]]);
      }
      if (a.items.length !== b.items.length || pairs.length !== b.items.length) return false;
      return pairs.every(([x, y]) => this.unify2(x, this.typeOf(x, env), y, this.typeOf(y, env), env));
    }
    if (b.type === 'var') return this.unify1(a, A, env, false) && this.unify1(b, this.typeOf(a, env), env, false);
    return false;
  }

  /** Can term `t` take a value of type `want`? Binds unbound variables to what they must be. */
  private unify1(t: Term, want: MaybeType, env: Env, union: boolean): boolean {
    switch (t.type) {
      case 'array':
      case 'object':
      case 'set': {
        if (want === undefined) return false;
        if (want.k === 'any') {
          if (want.of.length === 0) {
            for (const x of subterms(t)) this.unify1(x, A, env, true);
            return true;
          }
          let ok = false;
          for (const alt of want.of) ok = this.unify1(t, alt, env, true) || ok;
          return ok;
        }
        if (t.type === 'array') {
          if (want.k !== 'array') return false;
          if (t.items.length !== want.static.length && want.dynamic === undefined) return false;
          return t.items.every((x, i) => this.unify1(x, select(want, i), env, union));
        }
        if (t.type === 'set') {
          if (want.k !== 'set') return false;
          const of = valuesOf(want);
          return t.items.every((x) => this.unify1(x, of, env, union));
        }
        if (want.k !== 'object') return false;
        return this.unify1Object(t, want, env, union);
      }
      case 'var': {
        if (t.name === 'input' || t.name === 'data') return unifies(A, want);
        const have = env.get(t.name);
        if (!union) {
          if (have !== undefined) return unifies(have, want);
          env.set(t.name, want);
        } else {
          env.set(t.name, or(have, want));
        }
        return true;
      }
      default:
        return unifies(this.typeOf(t, env), want);
    }
  }

  private unify1Object(t: Term & { type: 'object' }, want: ObjectType, env: Env, union: boolean): boolean {
    if (t.items.length !== want.static.length && want.dynamic === undefined) return false;
    for (const [k, v] of t.items) {
      const key = constantKey(k);
      if (key !== NOT_CONSTANT) {
        const child = select(want, key);
        if (child === undefined || !this.unify1(v, child, env, union)) return false;
      } else {
        this.unify1(v, A, env, union);
      }
    }
    return true;
  }
}

// ---------------------------------------------------------------------------------------------

const NOT_CONSTANT = Symbol('not constant');

/** The value of a scalar term (a constant key), or NOT_CONSTANT. */
function constantKey(t: Term): Value | typeof NOT_CONSTANT {
  const value = scalarOf(t);
  return value === undefined ? NOT_CONSTANT : value;
}

function sameKey(a: Value, b: Value): boolean {
  return typeof a === typeof b ? a === b : typeof a !== 'string' && typeof b !== 'string' && Number(a) === Number(b);
}

function subterms(t: Term): Term[] {
  if (t.type === 'array' || t.type === 'set') return t.items;
  if (t.type === 'object') return t.items.flatMap(([k, v]) => [k, v]);
  return [];
}

/** Binds every variable of a pattern (every key/value, function parameters). */
function bindAll(t: Term, env: Env, type: Type): void {
  if (t.type === 'var') {
    if (!env.has(t.name)) env.set(t.name, type);
    return;
  }
  for (const x of subterms(t)) bindAll(x, env, type);
}

function dataPath(op: RefTerm): Value[] | undefined {
  const head = op.terms[0]!;
  if (head.type !== 'var' || head.name !== 'data') return undefined;
  const path: Value[] = [];
  for (const t of op.terms.slice(1)) {
    const k = constantKey(t);
    if (k === NOT_CONSTANT) return undefined;
    path.push(k);
  }
  return path;
}

/** Keys of an object type's static properties, as Rego terms (OPA's "want (one of)"). */
function objectKeys(t: MaybeType): string[] {
  const keys: Value[] = [];
  const collect = (x: MaybeType) => {
    if (x?.k === 'object') for (const p of x.static) if (!keys.some((k) => compareValues(k, p.key) === 0)) keys.push(p.key);
    if (x?.k === 'any') x.of.forEach(collect);
  };
  collect(t);
  return keys.sort(compareValues).map((k) => (typeof k === 'string' ? JSON.stringify(k) : String(k)));
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A reference as OPA prints it (`x.a[0]`, `data.p["a b"]`), with variables' source names. */
function refString(ref: RefTerm, upTo = ref.terms.length - 1): string {
  let s = termString(ref.terms[0]!);
  for (let i = 1; i <= upTo && i < ref.terms.length; i++) {
    const t = ref.terms[i]!;
    s += t.type === 'string' && IDENT.test(t.value) ? '.' + t.value : '[' + termString(t) + ']';
  }
  return s;
}

function termString(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(t.value);
    case 'number':
      return t.text ?? String(t.value);
    case 'string':
      return JSON.stringify(t.value);
    case 'var':
      return t.orig ?? t.name;
    case 'ref':
      return refString(t);
    case 'array':
      return '[' + t.items.map(termString).join(', ') + ']';
    case 'set':
      return t.items.length === 0 ? 'set()' : '{' + t.items.map(termString).join(', ') + '}';
    case 'object':
      return '{' + t.items.map(([k, v]) => `${termString(k)}: ${termString(v)}`).join(', ') + '}';
    case 'call':
      return `${refString(t.operator)}(${t.args.map(termString).join(', ')})`;
    default:
      return '…';
  }
}
