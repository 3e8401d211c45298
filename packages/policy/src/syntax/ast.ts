import type { RNumber } from '../value.ts';

// The Rego syntax tree, close to OPA's `ast` package so that compiler stages and error messages
// can follow OPA's behaviour. Nodes are plain objects; the compiler copies before rewriting.

export interface Location {
  readonly file: string;
  readonly row: number;
  readonly col: number;
  /** Byte-ish offset (UTF-16 index) into the source, for text excerpts. */
  readonly offset: number;
}

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | SetTerm
  | ObjectTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm
  | TemplateStringTerm;

export interface NullTerm {
  type: 'null';
  loc?: Location;
}
export interface BooleanTerm {
  type: 'boolean';
  value: boolean;
  loc?: Location;
}
export interface NumberTerm {
  type: 'number';
  value: RNumber;
  /** Source text, kept so that formatting round-trips (e.g. `1.0`). */
  text?: string;
  loc?: Location;
}
export interface StringTerm {
  type: 'string';
  value: string;
  loc?: Location;
}
export interface VarTerm {
  type: 'var';
  name: string;
  /** Name as written, when the compiler renamed the var (`x := 1` → `__local0__`). */
  orig?: string;
  loc?: Location;
}
/** `terms[0]` is a var (`input`, `data`, local), a composite, a call or a comprehension. */
export interface RefTerm {
  type: 'ref';
  terms: Term[];
  loc?: Location;
}
export interface ArrayTerm {
  type: 'array';
  items: Term[];
  loc?: Location;
}
export interface SetTerm {
  type: 'set';
  items: Term[];
  loc?: Location;
}
export interface ObjectTerm {
  type: 'object';
  items: [Term, Term][];
  loc?: Location;
}
export interface ArrayComprehension {
  type: 'arraycomp';
  term: Term;
  body: Body;
  loc?: Location;
}
export interface SetComprehension {
  type: 'setcomp';
  term: Term;
  body: Body;
  loc?: Location;
}
export interface ObjectComprehension {
  type: 'objectcomp';
  key: Term;
  value: Term;
  body: Body;
  loc?: Location;
}
/** A call nested in a term (`count(x) > 1`). `operator` is a ref (`count`, `data.pkg.f`). */
export interface CallTerm {
  type: 'call';
  operator: RefTerm;
  args: Term[];
  loc?: Location;
}
/** `$"a {x} b"`: string parts and expressions, in order. */
export interface TemplateStringTerm {
  type: 'template';
  parts: (Term | Expr)[];
  multiLine: boolean;
  loc?: Location;
}

export type Body = Expr[];

export interface SomeDecl {
  type: 'some';
  /** Plain vars (`some x, y`) or one call term `internal.member_2(x, xs)` / `internal.member_3(k, v, xs)`. */
  symbols: Term[];
  loc?: Location;
}

export interface Every {
  type: 'every';
  key?: Term;
  value: Term;
  domain: Term;
  body: Body;
  loc?: Location;
}

/** Experimental `a or b` / `a and b` between literals (OPA `experimental_keywords`). */
export interface LogicalExpr {
  type: 'logical';
  op: 'or' | 'and';
  left: Body;
  right: Body;
  loc?: Location;
}

export interface With {
  target: Term;
  value: Term;
  loc?: Location;
  /** Set by the compiler when `value` names a builtin (`with count as sum`). */
  fnTarget?: string;
}

export interface Expr {
  type: 'expr';
  negated: boolean;
  /** A single term, a call (`[operator, ...args]`), `some`, `every` or a logical connective. */
  terms: Term | Term[] | SomeDecl | Every | LogicalExpr;
  with: With[];
  loc?: Location;
  /** Inserted by the compiler (e.g. extracted nested calls); not user-visible. */
  generated?: boolean;
}

export interface Head {
  /** `p`, `p.q[r]`, `f`: the first term is a var. */
  ref: Term[];
  args?: Term[];
  /** Multi-value (`contains`) member, or the key of a v0 `p[k] = v` rule. */
  key?: Term;
  value?: Term;
  assign: boolean;
  /** The value was not written (`p if …` → true). */
  generatedValue: boolean;
  keywords: ('if' | 'contains')[];
  loc?: Location;
}

export interface Rule {
  default: boolean;
  head: Head;
  body: Body;
  else?: Rule;
  /** The body was not written (`p := 1`). */
  generatedBody: boolean;
  loc?: Location;
  /** Annotations attached to this rule (METADATA comments), innermost first. */
  annotations?: Annotation[];
  module?: Module;
}

export interface Import {
  path: RefTerm;
  alias?: string;
  loc?: Location;
}

export interface Package {
  /** `data` followed by string terms. */
  path: Term[];
  loc?: Location;
}

export interface Comment {
  text: string;
  loc: Location;
}

export interface Annotation {
  scope: 'package' | 'subpackages' | 'rule' | 'document' | 'import';
  /** The annotation as OPA serialises it (what `rego.metadata.rule()` returns). */
  json: Record<string, unknown>;
  loc: Location;
  /** The statement the annotation is attached to. */
  target?: { kind: 'package' } | { kind: 'import' } | { kind: 'rule'; rule: Rule };
}

export type RegoVersion = 'v0' | 'v1';

export interface Module {
  file: string;
  source: string;
  package: Package;
  imports: Import[];
  rules: Rule[];
  comments: Comment[];
  annotations: Annotation[];
  /** `v0` modules importing `rego.v1` must also follow v1 rules. */
  regoVersion: RegoVersion;
  regoV1Compatible: boolean;
}

// ---------------------------------------------------------------------------------------------
// Small constructors and helpers.

export const varTerm = (name: string, loc?: Location): VarTerm => ({ type: 'var', name, loc });
export const stringTerm = (value: string, loc?: Location): StringTerm => ({ type: 'string', value, loc });
export const booleanTerm = (value: boolean, loc?: Location): BooleanTerm => ({ type: 'boolean', value, loc });
export const refTerm = (terms: Term[], loc?: Location): RefTerm => ({ type: 'ref', terms, loc });
export const exprOf = (terms: Expr['terms'], loc?: Location): Expr => ({
  type: 'expr',
  negated: false,
  terms,
  with: [],
  loc,
});

export function isScalar(t: Term): t is NullTerm | BooleanTerm | NumberTerm | StringTerm {
  return t.type === 'null' || t.type === 'boolean' || t.type === 'number' || t.type === 'string';
}

/** Is the term a ref whose head is `name` (e.g. `input`, `data`)? */
export function isRefRootedAt(t: Term, name: string): boolean {
  return t.type === 'ref' && t.terms[0]!.type === 'var' && (t.terms[0] as VarTerm).name === name;
}

/** Ref of an operator (`count`, `strings.replace`) as a dotted name, or undefined. */
export function refToDotted(t: Term): string | undefined {
  if (t.type === 'var') return t.name;
  if (t.type !== 'ref') return undefined;
  const head = t.terms[0]!;
  if (head.type !== 'var') return undefined;
  let s = head.name;
  for (let i = 1; i < t.terms.length; i++) {
    const p = t.terms[i]!;
    if (p.type !== 'string' || !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(p.value)) return undefined;
    s += '.' + p.value;
  }
  return s;
}

export function isCallExpr(e: Expr): e is Expr & { terms: Term[] } {
  return Array.isArray(e.terms);
}

export function operatorName(e: Expr): string | undefined {
  return Array.isArray(e.terms) ? refToDotted(e.terms[0]!) : undefined;
}

/** Walks every term (including nested bodies) depth-first. Return `true` from `f` to skip children. */
export function walkTerms(x: Term | Expr | Body | Rule | Head | With, f: (t: Term) => boolean | void): void {
  if (Array.isArray(x)) {
    for (const e of x) walkTerms(e, f);
    return;
  }
  if ('type' in x && x.type === 'expr') {
    walkExprTerms(x, f);
    return;
  }
  if ('head' in x && 'body' in x && 'generatedBody' in x) {
    walkTerms(x.head, f);
    walkTerms(x.body, f);
    if (x.else) walkTerms(x.else, f);
    return;
  }
  if ('ref' in x && 'assign' in x) {
    for (const t of x.ref) walkTerms(t, f);
    for (const t of x.args ?? []) walkTerms(t, f);
    if (x.key) walkTerms(x.key, f);
    if (x.value) walkTerms(x.value, f);
    return;
  }
  if ('target' in x) {
    walkTerms(x.target, f);
    walkTerms(x.value, f);
    return;
  }
  walkTerm(x as Term, f);
}

function walkExprTerms(e: Expr, f: (t: Term) => boolean | void): void {
  const ts = e.terms;
  if (Array.isArray(ts)) for (const t of ts) walkTerm(t, f);
  else if (ts.type === 'some') for (const t of ts.symbols) walkTerm(t, f);
  else if (ts.type === 'every') {
    if (ts.key) walkTerm(ts.key, f);
    walkTerm(ts.value, f);
    walkTerm(ts.domain, f);
    walkTerms(ts.body, f);
  } else if (ts.type === 'logical') {
    walkTerms(ts.left, f);
    walkTerms(ts.right, f);
  } else walkTerm(ts, f);
  for (const w of e.with) {
    walkTerm(w.target, f);
    walkTerm(w.value, f);
  }
}

export function walkTerm(t: Term, f: (t: Term) => boolean | void): void {
  if (f(t) === true) return;
  switch (t.type) {
    case 'ref':
      for (const x of t.terms) walkTerm(x, f);
      return;
    case 'array':
    case 'set':
      for (const x of t.items) walkTerm(x, f);
      return;
    case 'object':
      for (const [k, v] of t.items) {
        walkTerm(k, f);
        walkTerm(v, f);
      }
      return;
    case 'arraycomp':
    case 'setcomp':
      walkTerm(t.term, f);
      walkTerms(t.body, f);
      return;
    case 'objectcomp':
      walkTerm(t.key, f);
      walkTerm(t.value, f);
      walkTerms(t.body, f);
      return;
    case 'call':
      walkTerm(t.operator, f);
      for (const x of t.args) walkTerm(x, f);
      return;
    case 'template':
      for (const p of t.parts) {
        if (p.type === 'expr') walkTerms(p, f);
        else walkTerm(p, f);
      }
      return;
  }
}

/** Deep copy (locations shared). */
export function copyTerm<T extends Term>(t: T): T {
  switch (t.type) {
    case 'ref':
      return { ...t, terms: t.terms.map(copyTerm) };
    case 'array':
    case 'set':
      return { ...t, items: t.items.map(copyTerm) };
    case 'object':
      return { ...t, items: t.items.map(([k, v]) => [copyTerm(k), copyTerm(v)] as [Term, Term]) };
    case 'arraycomp':
    case 'setcomp':
      return { ...t, term: copyTerm(t.term), body: copyBody(t.body) };
    case 'objectcomp':
      return { ...t, key: copyTerm(t.key), value: copyTerm(t.value), body: copyBody(t.body) };
    case 'call':
      return { ...t, operator: copyTerm(t.operator), args: t.args.map(copyTerm) };
    case 'template':
      return { ...t, parts: t.parts.map((p) => (p.type === 'expr' ? copyExpr(p) : copyTerm(p))) };
    default:
      return { ...t };
  }
}

export function copyBody(b: Body): Body {
  return b.map(copyExpr);
}

export function copyExpr(e: Expr): Expr {
  const ts = e.terms;
  let terms: Expr['terms'];
  if (Array.isArray(ts)) terms = ts.map(copyTerm);
  else if (ts.type === 'some') terms = { ...ts, symbols: ts.symbols.map(copyTerm) };
  else if (ts.type === 'every')
    terms = {
      ...ts,
      key: ts.key ? copyTerm(ts.key) : undefined,
      value: copyTerm(ts.value),
      domain: copyTerm(ts.domain),
      body: copyBody(ts.body),
    };
  else if (ts.type === 'logical') terms = { ...ts, left: copyBody(ts.left), right: copyBody(ts.right) };
  else terms = copyTerm(ts);
  return { ...e, terms, with: e.with.map((w) => ({ ...w, target: copyTerm(w.target), value: copyTerm(w.value) })) };
}

export function copyHead(h: Head): Head {
  return {
    ...h,
    ref: h.ref.map(copyTerm),
    args: h.args?.map(copyTerm),
    key: h.key ? copyTerm(h.key) : undefined,
    value: h.value ? copyTerm(h.value) : undefined,
    keywords: [...h.keywords],
  };
}

export function copyRule(r: Rule): Rule {
  return { ...r, head: copyHead(r.head), body: copyBody(r.body), else: r.else ? copyRule(r.else) : undefined };
}

/** Vars occurring in a term (not inside comprehension bodies' local scopes unless `deep`). */
export function termVars(t: Term, out: Set<string> = new Set(), deep = false): Set<string> {
  walkTerm(t, (x) => {
    if (x.type === 'var') out.add(x.name);
    if (!deep && (x.type === 'arraycomp' || x.type === 'setcomp' || x.type === 'objectcomp')) return true;
    return false;
  });
  return out;
}

export type RuleKind = 'single' | 'multi';

/** OPA's RuleKind: `multi` is a `contains` / v0 `p[x]` set rule. */
export function ruleKind(h: Head): RuleKind {
  return h.key !== undefined && h.value === undefined ? 'multi' : 'single';
}
