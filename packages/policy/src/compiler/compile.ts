import { type Value, equals as equalsValue } from '../value.ts';
import { builtins as builtinMap } from '../builtins/index.ts';
import type { BuiltinDef } from '../builtins/types.ts';
import { CompileErrors, PolicyCompileError } from '../errors.ts';
import {
  type Body,
  type Module,
  type RegoVersion,
  type Rule,
  type Term,
  exprOf,
  refTerm,
  refToDotted,
  ruleKind,
  varTerm,
  walkTerm,
  walkTerms,
} from '../syntax/ast.ts';
import { RegoParseError, parseModule, parseQuery } from '../syntax/parser.ts';
import { type CRule, type CTerm, type Frame, RuleGroup, type Step, TK, type TreeNode } from '../eval/ir.ts';
import type { RelationImpl } from '../eval/steps.ts';
import { groundValue } from '../eval/terms.ts';
import { CompiledProgram } from '../eval/program.ts';
import { done } from '../eval/steps.ts';
import { walkRelation } from '../builtins/language/walk.ts';
import { buildGlobals, resolveQuery, resolveRule } from './resolve.ts';
import { LocalRewriter, VarGen, walkVarsOutsideClosures } from './locals.ts';
import { type ArityFn, reorderBody, reportUnsafeTerm, safeVarsAfter } from './safety.ts';
import { type LowerEnv, Lowerer, dataPathKey } from './lower.ts';
import { TypeChecker, type TypeHost } from './typecheck.ts';
import { BUILTIN_TYPES, type Signature, signature } from './builtin-types.ts';
import { checkRegoV1Modules } from './strict.ts';
import { checkRecursion } from './recursion.ts';
import { metadataValue } from './metadata.ts';
import { allExprs, scalarOf } from './util.ts';

// The compiler pipeline (after OPA's): parse → resolve refs → rewrite local vars → build the rule
// tree and check rule conflicts → safety (reorder bodies) → recursion check → lower to steps.

export interface ModuleSource {
  /** File name used in error messages (e.g. `policies/plan.rego`). */
  path: string;
  source: string;
}

export interface CompileOptions {
  /** Rego syntax version (default v1). */
  regoVersion?: RegoVersion;
  /** Enable OPA's experimental `and` / `or` keywords. */
  experimentalKeywords?: boolean;
  /** Extra builtins (e.g. Spacelift helpers) or overrides. */
  builtins?: ReadonlyMap<string, BuiltinDef>;
  /** Builtins policies may not call (Spacelift disables e.g. `opa.runtime`, `trace`). */
  disabledBuiltins?: readonly string[];
}

const RELATIONS = new Map<string, RelationImpl>([['walk', walkRelation]]);

export class Compiler {
  readonly errs = new CompileErrors();
  private readonly gen = new VarGen();
  readonly program: CompiledProgram;
  private readonly builtins: ReadonlyMap<string, BuiltinDef>;
  /** AST rules per group (for checks and lowering). */
  private readonly astRules = new Map<RuleGroup, { rule: Rule; module: Module; kind: CRule['kind']; suffix: Term[] }[]>();

  constructor(
    private readonly modules: Module[],
    private readonly opts: CompileOptions,
  ) {
    this.program = new CompiledProgram(modules);
    this.builtins = opts.builtins ? new Map([...builtinMap, ...opts.builtins]) : builtinMap;
  }

  builtin = (name: string): BuiltinDef | undefined => this.builtins.get(name);

  compile(): CompiledProgram {
    const { modules, errs } = this;
    checkRegoV1Modules(this.modules, errs);
    errs.throwIfAny();

    // Package-level rule names (a rule name is visible in every module of its package).
    const pkgNames = new Map<string, Set<string>>();
    for (const m of modules) {
      const key = pkgKey(m);
      let s = pkgNames.get(key);
      if (!s) pkgNames.set(key, (s = new Set()));
      for (const r of m.rules) {
        const h = r.head.ref[0]!;
        if (h.type === 'var') s.add(h.name);
      }
    }
    for (const m of modules) {
      const globals = buildGlobals(m, pkgNames.get(pkgKey(m))!, errs);
      const strict = m.regoV1Compatible;
      const rw = new LocalRewriter(this.gen, errs, strict);
      for (const r of m.rules) {
        resolveRule(r, globals);
        rw.rewriteRule(r);
        for (let x: Rule | undefined = r; x; x = x.else) this.markWithFunctions(x.body);
      }
    }
    errs.throwIfAny();

    this.buildTree();
    errs.throwIfAny();
    this.checkSafety();
    errs.throwIfAny();
    this.checkTypes();
    errs.throwIfAny();
    checkRecursion(this.program.root, new Map([...this.astRules].map(([g, l]) => [g, l.map((x) => x.rule)])), errs);
    errs.throwIfAny();
    this.lowerAll();
    errs.throwIfAny();
    return this.program;
  }

  // -------------------------------------------------------------------------------------------

  private buildTree(): void {
    const { errs, program } = this;
    for (const m of this.modules) {
      const pkg = m.package.path.slice(1).map((t) => (t as { value: string }).value);
      program.ensureNode(pkg);
      for (const rule of m.rules) {
        const h = rule.head;
        const name = (h.ref[0] as { name: string }).name;
        const prefix: Value[] = [...pkg, name];
        const rest = h.ref.slice(1);
        let i = 0;
        for (; i < rest.length; i++) {
          const c = scalarOf(rest[i]!);
          if (c === undefined) break;
          prefix.push(c);
        }
        const suffix = rest.slice(i);
        let kind: CRule['kind'];
        // `f() = 1` (no arguments) is a plain rule that can also be called as `f()`.
        if (h.args !== undefined && h.args.length > 0) kind = 'function';
        else if (ruleKind(h) === 'multi') kind = 'multi';
        else kind = suffix.length > 0 ? 'object' : 'complete';
        const key = dataPathKey(prefix);
        if (kind === 'function' && suffix.length > 0) {
          errs.add('rego_type_error', `functions must use ground references in their head: ${key}`, rule.loc);
          continue;
        }
        const node = program.ensureNode(prefix);
        let g = node.group;
        if (!g) {
          g = new RuleGroup(node, key);
          node.group = g;
          program.groups.set(key, g);
        }
        if (kind === 'function') g.declaredFunction = true;
        let list = this.astRules.get(g);
        if (!list) this.astRules.set(g, (list = []));
        list.push({ rule, module: m, kind, suffix });
      }
    }
    // Conflicting rule kinds at one path.
    for (const [g, list] of this.astRules) {
      const kinds = new Set(list.map((x) => (x.kind === 'object' && x.suffix.length > 0 ? 'object' : x.kind)));
      const fn = kinds.has('function');
      const defaults = list.filter((x) => x.rule.default);
      if (defaults.length > 1) errs.add('rego_type_error', `multiple default rules ${g.path} found`, defaults[1]!.rule.loc);
      if ((fn && kinds.size > 1) || (kinds.has('complete') && (kinds.has('multi') || kinds.has('object'))) || (kinds.has('multi') && kinds.has('object') && list.some((x) => x.kind === 'multi' && x.suffix.length === 0))) {
        errs.add('rego_type_error', `conflicting rules ${g.path} found`, list[list.length - 1]!.rule.loc);
      }
      if (fn) {
        const arities = new Set(list.map((x) => x.rule.head.args?.length ?? 0));
        if (arities.size > 1) errs.add('rego_type_error', `conflicting rules ${g.path} found`, list[list.length - 1]!.rule.loc);
      }
      const singleDoc = kinds.has('complete') || (kinds.has('multi') && list.every((x) => x.suffix.length === 0));
      if (singleDoc && g.node.children.size > 0 && hasRulesBelow(g.node)) {
        errs.add('rego_type_error', `rule ${g.path} conflicts with [${descendantPaths(g.node).join(' ')}]`, list[0]!.rule.loc);
      }
    }
    // A package path must not be a rule path with a single-value document.
    for (const m of this.modules) {
      const pkgPath = m.package.path.slice(1).map((t) => (t as { value: string }).value);
      for (let i = 1; i < pkgPath.length; i++) {
        const n = program.nodeAt(pkgPath.slice(0, i));
        const g = n?.group;
        if (g && (g.isFunction || this.astRules.get(g)?.some((x) => x.kind === 'complete'))) {
          errs.add('rego_type_error', `package ${['data', ...pkgPath].join('.')} conflicts with rule ${g.path} defined at ${this.astRules.get(g)![0]!.rule.loc?.file}:${this.astRules.get(g)![0]!.rule.loc?.row}`, m.package.loc);
        }
      }
    }
  }

  /** `with f as count`: a value naming a builtin is a function replacement, not a variable. */
  private markWithFunctions(body: Body): void {
    for (const e of allExprs(body)) {
      for (const w of e.with) {
        if (w.value.type !== 'var' && w.value.type !== 'ref') continue;
        const n = refToDotted(w.value);
        if (n !== undefined && (this.builtins.has(n) || RELATIONS.has(n))) w.fnTarget = n;
      }
    }
  }

  /** Arity of a callable term, -1 when unknown. */
  arity: ArityFn = (op) => {
    if (op.type === 'ref' && op.terms[0]!.type === 'var' && op.terms[0]!.name === 'data') {
      const path: Value[] = [];
      for (const t of op.terms.slice(1)) {
        const c = scalarOf(t);
        if (c === undefined) return -1;
        path.push(c);
      }
      const g = this.program.groups.get(dataPathKey(path));
      const rules = g ? this.astRules.get(g) : undefined;
      const fn = rules?.find((x) => x.kind === 'function');
      return fn ? fn.rule.head.args!.length : -1;
    }
    const name = refToDotted(op);
    if (name === undefined) return -1;
    if (name === 'walk') return 1;
    const def = this.builtins.get(name);
    return def ? def.arity : -1;
  };

  private checkSafety(): void {
    for (const list of this.astRules.values()) {
      for (const { rule } of list) {
        for (let r: Rule | undefined = rule; r; r = r.else) this.checkRuleSafety(r);
      }
    }
  }

  private checkRuleSafety(r: Rule): void {
    const globals = new Set<string>();
    for (const a of r.head.args ?? []) walkVarsOutsideClosures(a, (v) => globals.add(v.name));
    const reported = new Set<string>();
    const before = this.errs.size;
    r.body = reorderBody(r.body, globals, this.arity, this.errs, reported);
    if (this.errs.size > before) {
      // Head variables bound by an unsafe body are not separate problems.
      for (const e of r.body) walkTerms(e, (t) => void (t.type === 'var' && reported.add(t.name)));
    }
    const safe = safeVarsAfter(r.body, globals, this.arity);
    const h = r.head;
    // Head terms are evaluated after the body (refs in them may iterate: `q := xs[_]`).
    const headTerms = [...h.ref.slice(1), ...(h.key ? [h.key] : []), ...(h.value ? [h.value] : [])];
    const headSafe = safeVarsAfter(
      headTerms.map((t) => exprOf([refTerm([varTerm('eq')]), varTerm('$head'), t])),
      safe,
      this.arity,
    );
    for (const t of headTerms) reportUnsafeTerm(t, headSafe, this.errs, reported);
  }

  private checkTypes(): void {
    const tc = this.typeChecker();
    for (const [g, list] of this.astRules) tc.ruleType(g.path, list);
  }

  /** Type information for the type checker: rule definitions by data path, builtin declarations. */
  private readonly typeHost: TypeHost = {
    lookup: (path) => {
      const node = this.program.nodeAt(path);
      if (!node) return undefined;
      const list = node.group ? this.astRules.get(node.group) : undefined;
      return list ? { rules: list, key: node.group!.path } : 'node';
    },
    signature: (name) => {
      const def = this.builtins.get(name);
      if (!def) return undefined;
      if (def.types) {
        let sig = this.declaredTypes.get(def);
        if (!sig) this.declaredTypes.set(def, (sig = signature([...def.types.args], def.types.result)));
        return sig;
      }
      // A replacement of an OPA builtin without declared types is not checked.
      return builtinMap.get(name) === def ? BUILTIN_TYPES.get(name) : undefined;
    },
  };

  private readonly declaredTypes = new WeakMap<BuiltinDef, Signature>();

  private checker: TypeChecker | undefined;

  /** One checker per compiler: rule types are inferred once and reused by queries. */
  private typeChecker(): TypeChecker {
    return (this.checker ??= new TypeChecker(this.typeHost, this.errs));
  }

  // -------------------------------------------------------------------------------------------
  // Lowering

  private lowerAll(): void {
    for (const [g, list] of this.astRules) {
      list.forEach(({ rule, module, kind, suffix }, index) => {
        const c = this.lowerRule(rule, module, kind, suffix, g, index);
        if (rule.default) {
          if (kind === 'function') g.defaultFunction = c;
          else g.defaultRule = c;
          return;
        }
        switch (kind) {
          case 'complete':
            g.complete.push(c);
            break;
          case 'multi':
            g.multi.push(c);
            break;
          case 'object':
            g.object.push(c);
            break;
          case 'function':
            g.functions.push(c);
            break;
        }
      });
      // One solution settles the value when every definition yields the same constant.
      const defs = g.complete.length > 0 ? g.complete : g.functions;
      if (defs.length > 0) {
        const first = defs[0]!.constValue;
        g.earlyExit =
          first !== undefined &&
          defs.every((r) => r.else === undefined && r.constValue !== undefined && equalsValue(r.constValue, first));
      }
    }
  }

  private lowerRule(rule: Rule, module: Module, kind: CRule['kind'], suffix: Term[], g: RuleGroup, index: number): CRule {
    const env = this.lowerEnv(rule, module);
    const lw = new Lowerer(env);
    const h = rule.head;
    lw.setScope([...rule.body, ...h.ref.slice(1), ...(h.args ?? []), ...(h.key ? [h.key] : []), ...(h.value ? [h.value] : [])]);
    let argTerms: CTerm[] | undefined;
    let argCheck: Step = done;
    if (h.args) {
      // Argument patterns: dynamic parts (e.g. template strings) are computed after the body
      // and compared with the bound argument.
      argTerms = h.args.map((a) => {
        if (isPattern(a)) return lw.term(a, [], false);
        const tmp = lw.temp();
        const t = lw.lowerTrailing([a], done);
        const prev = argCheck;
        const computed = t.out[0]!;
        argCheck = (f, k) => prev(f, () => t.step(f, () => (equalsTerm(f, tmp, computed) ? k() : false)));
        return tmp;
      });
    }
    const headTerms: Term[] = [...suffix];
    if (h.key) headTerms.push(h.key);
    if (h.value) headTerms.push(h.value);
    const tail = lw.lowerTrailing(headTerms, done);
    const bodyStep = lw.lowerBody(rule.body, done);
    const full = chainSteps(chainSteps(bodyStep, argCheck), tail.step);
    const outs = tail.out;
    const sfx = outs.slice(0, suffix.length);
    let o = suffix.length;
    const key = h.key ? outs[o++] : undefined;
    const value = h.value ? outs[o++] : undefined;
    const c: CRule = {
      kind,
      path: g.path,
      loc: rule.loc,
      nslots: lw.nslots,
      body: full,
      suffix: sfx,
      key,
      value,
      args: argTerms,
      constValue: value && value.k === TK.Const && sfx.length === 0 && kind !== 'multi' ? value.v : undefined,
      isDefault: rule.default,
      annotations: rule.annotations,
      index,
    };
    if (rule.else) {
      const e = this.lowerRule(rule.else, module, kind, suffix, g, index);
      c.else = e;
      // Else branches make the value depend on which body succeeds.
    }
    // Lowering may add slots after nslots was read (else branches have their own lowerers).
    c.nslots = lw.nslots;
    return c;
  }

  lowerEnv(rule: Rule | undefined, module: Module | undefined): LowerEnv {
    return {
      builtin: this.builtin,
      relation: (n) => RELATIONS.get(n),
      disabled: (n) => this.opts.disabledBuiltins?.includes(n) ?? false,
      arity: this.arity,
      funcGroup: (k) => this.program.funcGroup(k),
      funcArity: (k) => {
        const g = this.program.groups.get(k);
        const fn = g ? this.astRules.get(g)?.find((x) => x.kind === 'function') : undefined;
        return fn ? fn.rule.head.args!.length : -1;
      },
      nodeAt: (p) => this.program.nodeAt(p),
      metadata: (kind) => metadataValue(this.modules, rule, module, kind),
      errs: this.errs,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  compileQuery(query: string | Body, queryOpts: { regoVersion?: RegoVersion } = {}): CompiledQuery {
    let body: Body;
    try {
      body = typeof query === 'string' ? parseQuery(query, { regoVersion: queryOpts.regoVersion ?? 'v1', experimentalKeywords: this.opts.experimentalKeywords }) : query;
    } catch (e) {
      if (e instanceof RegoParseError) throw parseErrorsToCompile(e);
      throw e;
    }
    const errs = this.errs;
    errs.list.length = 0;
    body = resolveQuery(body, new Map());
    const userVars = new Set<string>();
    for (const e of body) walkTerms(e, (t) => void (t.type === 'var' && !t.name.startsWith('$') && userVars.add(t.name)));
    const rw = new LocalRewriter(new VarGen('__localq'), errs, false);
    body = rw.rewriteQuery(body);
    this.markWithFunctions(body);
    errs.throwIfAny();
    body = reorderBody(body, new Set(), this.arity, errs);
    errs.throwIfAny();
    this.typeChecker().checkQuery(body);
    errs.throwIfAny();
    const lw = new Lowerer(this.lowerEnv(undefined, undefined));
    lw.setScope(body);
    const step = lw.lowerBody(body, done);
    errs.throwIfAny();
    const vars: { name: string; slot: number }[] = [];
    const renamed = new Map<string, string>();
    for (const e of body) {
      walkTerms(e, (t) => {
        if (t.type === 'var' && t.orig && userVars.has(t.orig)) renamed.set(t.name, t.orig);
        return false;
      });
    }
    for (const [name, slot] of lw.vars()) {
      if (userVars.has(name)) vars.push({ name, slot });
      else if (renamed.has(name)) vars.push({ name: renamed.get(name)!, slot });
    }
    return { step, nslots: lw.nslots, vars };
  }
}

export interface CompiledQuery {
  step: Step;
  nslots: number;
  /** Result variables (user-written names) and their slots. */
  vars: { name: string; slot: number }[];
}

// ---------------------------------------------------------------------------------------------

function pkgKey(m: Module): string {
  return m.package.path.map((t) => (t.type === 'string' ? t.value : 'data')).join('.');
}




function equalsTerm(f: Frame, a: CTerm, b: CTerm): boolean {
  const va = groundValue(a, f);
  const vb = groundValue(b, f);
  return va !== undefined && vb !== undefined && equalsValue(va, vb);
}

function chainSteps(a: Step, b: Step): Step {
  if (b === done) return a;
  if (a === done) return b;
  return (f, k) => a(f, () => b(f, k));
}

/** Terms usable directly as argument patterns (no refs, calls, comprehensions, templates). */
function isPattern(t: Term): boolean {
  let ok = true;
  walkTerm(t, (x) => {
    if (x.type === 'ref' || x.type === 'call' || x.type === 'arraycomp' || x.type === 'setcomp' || x.type === 'objectcomp' || x.type === 'template') ok = false;
    return !ok;
  });
  return ok;
}

function hasRulesBelow(n: TreeNode): boolean {
  for (const c of n.children.values()) if (c.group || hasRulesBelow(c)) return true;
  return false;
}

function descendantPaths(n: TreeNode): string[] {
  const out: string[] = [];
  const visit = (x: typeof n) => {
    for (const c of x.children.values()) {
      if (c.group) out.push(c.group.path);
      visit(c);
    }
  };
  visit(n);
  return out;
}


export function parseErrorsToCompile(e: RegoParseError): PolicyCompileError {
  return new PolicyCompileError(
    e.errors.map((x) => ({ path: x.loc.file, line: x.loc.row, column: x.loc.col, code: x.code, message: x.message })),
  );
}

/** Parses and compiles modules. Throws PolicyCompileError. */
export function compileModules(sources: ModuleSource[], opts: CompileOptions = {}): { program: CompiledProgram; compiler: Compiler } {
  const regoVersion = opts.regoVersion ?? 'v1';
  const modules: Module[] = [];
  const errors: PolicyCompileError[] = [];
  const sorted = [...sources].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const s of sorted) {
    try {
      modules.push(
        parseModule(s.path, s.source, { regoVersion, experimentalKeywords: opts.experimentalKeywords }, (n) => (builtinMap.has(n) || (opts.builtins?.has(n) ?? false))),
      );
    } catch (e) {
      if (e instanceof RegoParseError) errors.push(parseErrorsToCompile(e));
      else throw e;
    }
  }
  if (errors.length > 0) throw new PolicyCompileError(errors.flatMap((e) => e.errors).slice(0, 10));
  const compiler = new Compiler(modules, opts);
  try {
    return { program: compiler.compile(), compiler };
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new PolicyCompileError([{ path: modules[0]?.file ?? '', line: 1, column: 1, code: 'rego_compile_error', message: 'policy is nested too deeply to compile' }]);
    }
    throw e;
  }
}

export type { RelationImpl };
