import type { RNumber } from '../value.ts';
import { normalizeNumber, recordNumberLiteralText } from '../value.ts';
import {
  type Annotation,
  type Body,
  type Comment,
  type Every,
  type Expr,
  type Head,
  type Import,
  type Location,
  type Module,
  type Package,
  type RefTerm,
  type RegoVersion,
  type Rule,
  type SomeDecl,
  type Term,
  type With,
  booleanTerm,
  copyHead,
  exprOf,
  refTerm,
  refToDotted,
  ruleKind,
  stringTerm,
  varTerm,
} from './ast.ts';
import { LexError, TOKEN_TEXT, Tok, type Token, tokenize } from './lexer.ts';
import { parseAnnotations } from './annotations.ts';

// Recursive-descent parser following the structure of OPA's `ast/parser.go`, so that what parses
// (and how ambiguities resolve) matches OPA. Functions return `undefined` on failure after
// recording an error; speculative parses save and restore the position.

export interface ParseError {
  code: 'rego_parse_error';
  message: string;
  loc: Location;
}

export class RegoParseError extends Error {
  constructor(readonly errors: ParseError[]) {
    super(errors.map(formatParseError).join('\n'));
  }
}

export function formatParseError(e: ParseError): string {
  return `${e.loc.file}:${e.loc.row}:${e.loc.col}: ${e.code}: ${e.message}`;
}

export interface ParseOptions {
  regoVersion: RegoVersion;
  /** Allow the experimental `and` / `or` keywords (via `import future.keywords.and|or`). */
  experimentalKeywords?: boolean;
  /** Process METADATA comment blocks. */
  annotations?: boolean;
}

const BASE_KEYWORDS = ['not', 'package', 'import', 'as', 'default', 'else', 'with', 'null', 'true', 'false', 'some'];
const FUTURE_KEYWORDS = ['in', 'every', 'contains', 'if'];
const EXPERIMENTAL_KEYWORDS = ['and', 'or'];
const ROOT_DOCUMENTS = new Set(['data', 'input']);
/** Nesting limit of the recursive-descent parser (terms nest ~3 levels per bracket). */
const MAX_PARSE_DEPTH = 1000;

const INFIX_NAMES: Partial<Record<Tok, string>> = {
  [Tok.Add]: 'plus',
  [Tok.Sub]: 'minus',
  [Tok.Mul]: 'mul',
  [Tok.Quo]: 'div',
  [Tok.Rem]: 'rem',
  [Tok.And]: 'and',
  [Tok.Or]: 'or',
  [Tok.Equal]: 'equal',
  [Tok.Neq]: 'neq',
  [Tok.Lt]: 'lt',
  [Tok.Gt]: 'gt',
  [Tok.Lte]: 'lte',
  [Tok.Gte]: 'gte',
  [Tok.Assign]: 'assign',
  [Tok.Unify]: 'eq',
};

/** Builtins that a bare module statement must not redefine (`count(x)` as a rule). */
export type BuiltinNameCheck = (name: string) => boolean;

type Statement =
  | { kind: 'package'; pkg: Package }
  | { kind: 'import'; imp: Import }
  | { kind: 'rules'; rules: Rule[] }
  | { kind: 'body'; body: Body };

class Parser {
  private pos = 0;
  errors: ParseError[] = [];
  private keywords: Set<string>;
  private wildcard = 0;
  private forcedIdent = new Set<number>();
  regoV1Compatible = false;
  private depth = 0;
  /** `import future.keywords.not` enables `not { … }` blocks. */
  private notBlocks = false;

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
    private readonly opts: ParseOptions,
  ) {
    this.keywords = new Set(BASE_KEYWORDS);
    if (opts.regoVersion === 'v1') for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
  }

  // -------------------------------------------------------------------------------------------
  // Token helpers

  private get tok(): Token {
    return this.tokens[this.pos]!;
  }
  /** Current token type (a method, so TypeScript does not narrow it across scans). */
  private t(): Tok {
    return this.tokens[this.pos]!.t;
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)]!;
  }
  private scan(): void {
    if (this.pos < this.tokens.length - 1) this.pos++;
  }
  private loc(t: Token = this.tok): Location {
    return { file: this.file, row: t.row, col: t.col, offset: t.offset };
  }
  private save(): [number, number, number] {
    return [this.pos, this.errors.length, this.wildcard];
  }
  private restore(s: [number, number, number]): void {
    this.pos = s[0];
    this.errors.length = s[1];
    this.wildcard = s[2];
  }
  /** Is the token the active keyword `word`? */
  private isKw(word: string, t: Token = this.tok, idx = this.pos): boolean {
    return t.t === Tok.Ident && t.lit === word && this.keywords.has(word) && !this.forcedIdent.has(idx);
  }
  /** An identifier that is not an active keyword. */
  private isIdent(t: Token = this.tok, idx = this.pos): boolean {
    return t.t === Tok.Ident && (!this.keywords.has(t.lit) || this.forcedIdent.has(idx));
  }
  private isAnyKeyword(t: Token = this.tok): boolean {
    return t.t === Tok.Ident && this.keywords.has(t.lit);
  }
  /** A keyword directly followed by `.` or `[` is an identifier (OPA's keywords-in-refs). */
  private scanAheadRef(): boolean {
    if (this.isAnyKeyword() && !this.forcedIdent.has(this.pos)) {
      const next = this.peek();
      if (!next.wsBefore && (next.t === Tok.Dot || next.t === Tok.LBrack)) {
        this.forcedIdent.add(this.pos);
        return true;
      }
    }
    return false;
  }
  private tokName(t: Token = this.tok): string {
    if (t.t === Tok.Ident) return t.lit;
    if (t.t === Tok.TemplatePart) return 'template-string';
    return TOKEN_TEXT[t.t] ?? '?';
  }

  private error(message: string, loc: Location = this.loc()): undefined {
    this.errors.push({ code: 'rego_parse_error', message: message + this.hint(), loc });
    return undefined;
  }

  /** A hint when a v1 keyword is used in a v0 module without importing it. */
  private hint(): string {
    for (const t of [this.tok, this.tokens[this.pos - 1]]) {
      if (t && t.t === Tok.Ident && FUTURE_KEYWORDS.includes(t.lit) && !this.keywords.has(t.lit)) {
        return ` (hint: \`${t.lit}\` is a keyword of Rego v1; in a v0 module add \`import rego.v1\` or \`import future.keywords.${t.lit}\`)`;
      }
    }
    return '';
  }
  private illegal(note = ''): undefined {
    const t = this.tok;
    const name = this.tokName(t);
    const kind = this.isAnyKeyword(t) || FUTURE_KEYWORDS.includes(t.lit) ? 'keyword' : 'token';
    return this.error(note ? `unexpected ${name} ${kind}: ${note}` : `unexpected ${name} ${kind}`);
  }
  private enter(): boolean {
    if (++this.depth > MAX_PARSE_DEPTH) {
      this.depth--;
      this.error('max parsing recursion depth exceeded');
      return false;
    }
    return true;
  }
  private leave(): void {
    this.depth--;
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  parseStatements(skipRules: boolean): Statement[] {
    const stmts: Statement[] = [];
    while (this.t() !== Tok.EOF) {
      let s = this.save();
      if (this.isKw('package')) {
        const pkg = this.parsePackage();
        if (pkg) {
          stmts.push({ kind: 'package', pkg });
          continue;
        }
        if (this.errors.length > s[1]) break;
      }
      this.restore(s);
      s = this.save();
      if (this.isKw('import')) {
        const imp = this.parseImport();
        if (imp) {
          const head = imp.path.terms[0] as { name: string };
          if (head.name === 'rego') this.regoV1Import(imp);
          if (head.name === 'future') this.futureImport(imp);
          stmts.push({ kind: 'import', imp });
          continue;
        }
        if (this.errors.length > s[1]) break;
      }
      this.restore(s);
      if (!skipRules) {
        s = this.save();
        const rules = this.parseRules();
        if (rules) {
          stmts.push({ kind: 'rules', rules });
          continue;
        }
        if (this.errors.length > s[1]) break;
        this.restore(s);
      }
      const body = this.parseQuery(true, Tok.EOF);
      if (body) {
        stmts.push({ kind: 'body', body });
        continue;
      }
      break;
    }
    return stmts;
  }

  private parsePackage(): Package | undefined {
    const loc = this.loc();
    const next = this.peek();
    if (!next.wsBefore && (next.t === Tok.Dot || next.t === Tok.LBrack)) return undefined;
    this.scan();
    if (!this.isIdent() && !this.isAnyKeyword()) return this.illegal();
    this.forcedIdent.add(this.pos);
    const term = this.parseTerm();
    if (!term) return undefined;
    let path: Term[];
    if (term.type === 'var') {
      path = [varTerm('data', term.loc), stringTerm(term.name, term.loc)];
    } else if (term.type === 'ref') {
      const first = term.terms[0]!;
      if (first.type !== 'var') return this.error(`unexpected ${first.type} token: expecting var`, first.loc);
      path = [varTerm('data', first.loc), stringTerm(first.name, first.loc)];
      for (let i = 1; i < term.terms.length; i++) {
        const x = term.terms[i]!;
        if (x.type !== 'string') return this.error(`unexpected ${x.type} token: expecting string`, x.loc);
        path.push(x);
      }
    } else return this.illegal();
    return { path, loc };
  }

  private parseImport(): Import | undefined {
    const loc = this.loc();
    const next = this.peek();
    if (!next.wsBefore && (next.t === Tok.Dot || next.t === Tok.LBrack)) return undefined;
    this.scan();
    if (!this.isIdent() && !this.isAnyKeyword()) return this.illegal();
    // Parse the path with no future keywords active (so `future.keywords.in` parses).
    const saved = this.keywords;
    this.keywords = new Set([...saved].filter((k) => !FUTURE_KEYWORDS.includes(k) && !EXPERIMENTAL_KEYWORDS.includes(k)));
    this.forcedIdent.add(this.pos);
    const term = this.parseTerm();
    this.keywords = saved;
    let path: RefTerm | undefined;
    if (term?.type === 'var') path = refTerm([term], term.loc);
    else if (term?.type === 'ref') {
      for (let i = 1; i < term.terms.length; i++) {
        const x = term.terms[i]!;
        if (x.type !== 'string') return this.error(`unexpected ${x.type} token: expecting string`, x.loc);
      }
      path = term;
    }
    if (!path) return this.error('expected path');
    const head = path.terms[0]!;
    const headName = head.type === 'var' ? head.name : '';
    if (!['data', 'input', 'future', 'rego'].includes(headName)) {
      return this.error(
        `unexpected import path, must begin with one of: {data, future, input, rego}, got: ${headName || head.type}`,
        path.loc,
      );
    }
    const imp: Import = { path, loc };
    if (this.isKw('as')) {
      this.scan();
      if (!this.isIdent()) return this.illegal('expected var');
      const alias = this.parseTerm();
      if (alias?.type !== 'var') return this.illegal('expected var');
      imp.alias = alias.name;
      return imp;
    }
    const last = path.terms[path.terms.length - 1]!;
    const lastName = last.type === 'var' ? last.name : last.type === 'string' ? last.value : '';
    if (headName !== 'future' && this.isKeywordName(lastName)) {
      return this.error(`unexpected import path, must not end with a keyword, got: ${lastName}`, last.loc);
    }
    return imp;
  }

  private isKeywordName(name: string): boolean {
    return BASE_KEYWORDS.includes(name) || (this.opts.regoVersion === 'v1' && FUTURE_KEYWORDS.includes(name));
  }

  private futureImport(imp: Import): void {
    const path = imp.path.terms;
    if (path.length === 1 || path[1]!.type !== 'string' || path[1]!.value !== 'keywords') {
      this.error('invalid import, must be `future.keywords`', imp.path.loc);
      return;
    }
    if (imp.alias) {
      this.error('`future` imports cannot be aliased', imp.path.loc);
      return;
    }
    const allowed = [...FUTURE_KEYWORDS, 'not', ...(this.opts.experimentalKeywords ? EXPERIMENTAL_KEYWORDS : [])];
    let kws = FUTURE_KEYWORDS;
    if (path.length === 3) {
      const kw = path[2]!;
      if (kw.type !== 'string') {
        this.error('invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`', imp.path.loc);
        return;
      }
      if (!allowed.includes(kw.value)) {
        this.error(`unexpected keyword, must be one of [${[...allowed].sort().join(' ')}]`, imp.path.loc);
        return;
      }
      kws = [kw.value];
    } else if (path.length > 3) {
      this.error('invalid import, must be `future.keywords.x`, e.g. `import future.keywords.in`', imp.path.loc);
      return;
    }
    for (const k of kws) {
      if (k === 'not') {
        this.notBlocks = true;
        continue;
      }
      this.keywords.add(k);
      if (k === 'every') this.keywords.add('in');
    }
  }

  private regoV1Import(imp: Import): void {
    const path = imp.path.terms;
    if (path.length !== 2 || path[1]!.type !== 'string' || path[1]!.value !== 'v1') {
      this.error('invalid import `' + formatPath(path) + '`, must be `rego.v1`', imp.path.loc);
      return;
    }
    if (this.opts.regoVersion === 'v1') return;
    if (imp.alias) {
      this.error('`rego` imports cannot be aliased', imp.path.loc);
      return;
    }
    this.regoV1Compatible = true;
    for (const k of FUTURE_KEYWORDS) this.keywords.add(k);
  }

  // -------------------------------------------------------------------------------------------
  // Rules

  private parseRules(): Rule[] | undefined {
    const ruleLoc = this.loc();
    this.scanAheadRef();
    let isDefault = false;
    if (this.isKw('default')) {
      this.scan();
      isDefault = true;
      this.scanAheadRef();
    }
    if (!this.isIdent()) return undefined;
    const parsed = this.parseHead(isDefault);
    if (!parsed) return undefined;
    const [head, usesContains] = parsed;
    if (usesContains) head.keywords.push('contains');
    const rule: Rule = { default: isDefault, head, body: [], generatedBody: false, loc: ruleLoc };

    if (isDefault) {
      if (!this.validateDefaultRuleValue(rule)) return undefined;
      if (head.args && head.args.length > 0 && !this.validateDefaultRuleArgs(rule)) return undefined;
      rule.body = [exprOf(booleanTerm(true, ruleLoc), ruleLoc)];
      rule.generatedBody = true;
      return [rule];
    }

    const hasIf = this.isKw('if');
    if (hasIf && !usesContains && head.ref.length === 2) {
      const v = head.ref[1]!;
      if ((!isGroundTerm(v) || v.type === 'ref') && !head.args?.length) head.key = v;
      if (!head.value) {
        head.generatedValue = true;
        head.value = booleanTerm(true, head.loc);
      }
    }
    if (!hasIf && !usesContains && !head.args?.length && head.ref.length === 2) {
      if (head.ref[0]!.type !== 'var') return undefined;
      head.key = head.ref[1];
      if (!head.value) head.ref = head.ref.slice(0, 1);
    }

    if (hasIf) {
      head.keywords.push('if');
      this.scan();
      const s = this.save();
      const expr = this.parseLogical();
      let done = false;
      if (expr) {
        const isSetLiteral = !Array.isArray(expr.terms) && (expr.terms as Term).type === 'set';
        if (!isSetLiteral) {
          rule.body = [expr];
          done = true;
        }
      }
      if (!done) {
        this.restore(s);
        if (this.t() !== Tok.LBrace) {
          this.parseLiteral(); // records the most useful error
          if (this.errors.length === s[1]) this.illegal('expected rule body');
          return undefined;
        }
        this.scan();
        const body = this.parseBody(Tok.RBrace);
        if (!body) return undefined;
        rule.body = body;
        this.scan();
      }
    } else if (this.t() === Tok.LBrace) {
      this.scan();
      const body = this.parseBody(Tok.RBrace);
      if (!body) return undefined;
      rule.body = body;
      this.scan();
    } else if (usesContains) {
      rule.body = [exprOf(booleanTerm(true, ruleLoc), ruleLoc)];
      rule.generatedBody = true;
      rule.loc = head.loc;
      return [rule];
    } else {
      return undefined;
    }

    if (this.isKw('else') && !this.scanAheadRef()) {
      const r = head.ref;
      if (r.length > 1 && !r.slice(1).every(isGroundTerm)) {
        return this.error('else keyword cannot be used on rules with variables in head');
      }
      if (head.key) return this.error('else keyword cannot be used on multi-value rules');
      const els = this.parseElse(head);
      if (!els) return undefined;
      rule.else = els;
    }

    const rules = [rule];
    while (this.t() === Tok.LBrace) {
      if (rule.else) return this.error('expected else keyword');
      const loc = this.loc();
      this.scan();
      const body = this.parseBody(Tok.RBrace);
      if (!body) return undefined;
      this.scan();
      const nextHead = copyHead(head);
      if (nextHead.args) nextHead.args = nextHead.args.map((a) => (a.type === 'var' && a.name.startsWith('$') ? this.genWildcard(a.loc) : a));
      rules.push({ default: false, head: nextHead, body, generatedBody: false, loc });
    }
    return rules;
  }

  private parseElse(head: Head): Rule | undefined {
    const loc = this.loc();
    const h = copyHead(head);
    h.generatedValue = false;
    h.keywords = [];
    h.loc = loc;
    if (h.args) h.args = h.args.map((a) => (a.type === 'var' && a.name.startsWith('$') ? this.genWildcard(a.loc) : a));
    const rule: Rule = { default: false, head: h, body: [], generatedBody: false, loc };
    this.scan();
    if (this.t() === Tok.LBrace || this.isKw('if')) {
      h.generatedValue = true;
      h.value = booleanTerm(true, loc);
    } else if (this.t() === Tok.Assign || this.t() === Tok.Unify) {
      h.assign = this.t() === Tok.Assign;
      this.scan();
      const v = this.parseTermInfixCall();
      if (!v) return undefined;
      h.value = v;
    } else {
      return this.illegal('expected else value term or rule body');
    }
    const hasIf = this.isKw('if');
    const hasBrace = this.t() === Tok.LBrace;
    if (!hasIf && !hasBrace) {
      rule.body = [exprOf(booleanTerm(true, loc), loc)];
      rule.generatedBody = true;
      return rule;
    }
    if (hasIf) {
      h.keywords.push('if');
      this.scan();
    }
    if (this.t() === Tok.LBrace) {
      this.scan();
      const body = this.parseBody(Tok.RBrace);
      if (!body) return undefined;
      rule.body = body;
      this.scan();
    } else if (this.t() !== Tok.EOF) {
      const e = this.parseLogical();
      if (!e) return undefined;
      rule.body = [e];
    } else {
      return this.illegal('rule body expected');
    }
    if (this.isKw('else')) {
      const els = this.parseElse(head);
      if (!els) return undefined;
      rule.else = els;
    }
    return rule;
  }

  private parseHead(isDefault: boolean): [Head, boolean] | undefined {
    const loc = this.loc();
    const v = this.parseVarToken();
    const ref = this.parseHeadFinish(v);
    if (!ref) return this.illegal('expected rule head name');
    let head: Head;
    const mk = (r: Term[]): Head => ({ ref: r, assign: false, generatedValue: false, keywords: [], loc });
    if (ref.type === 'var') head = mk([ref]);
    else if (ref.type === 'ref') head = mk(ref.terms);
    else if (ref.type === 'call') {
      const op = ref.operator;
      if (op.terms[0]!.type !== 'var') return this.illegal(`rule head ref ${formatPath(op.terms)} invalid`);
      head = mk(op.terms);
      head.args = ref.args;
    } else return undefined;

    const name = formatPath(head.ref);
    if (this.isKw('contains')) {
      if (head.args) this.illegal(`the contains keyword can only be used with multi-value rule definitions (e.g., ${name} contains <VALUE> { ... })`);
      this.scan();
      const key = this.parseTermInfixCall();
      if (!key) return this.illegal(`expected rule key term (e.g., ${name} contains <VALUE> { ... })`);
      head.key = key;
      return [head, true];
    }
    if (this.t() === Tok.Unify) {
      this.scan();
      const value = this.parseTermInfixCall();
      if (!value) return this.illegal(`expected rule value term (e.g., ${name}[${name}] = <VALUE> { ... })`);
      head.value = value;
    } else if (this.t() === Tok.Assign) {
      this.scan();
      head.assign = true;
      const value = this.parseTermInfixCall();
      if (!value) {
        if (head.args?.length) return this.illegal(`expected function value term (e.g., ${name}(...) := <VALUE> { ... })`);
        if (isDefault) return this.illegal(`expected default rule value term (e.g., default ${name} := <VALUE>)`);
        return this.illegal(`expected rule value term (e.g., ${name} := <VALUE> { ... })`);
      }
      head.value = value;
    }
    if (!head.value && !head.key) {
      if (head.ref.length !== 2 || (head.args?.length ?? 0) > 0) {
        head.generatedValue = true;
        head.value = booleanTerm(true, loc);
      }
    }
    return [head, false];
  }

  private parseHeadFinish(head: Term): Term | undefined {
    const t = this.tok;
    if (!t.wsBefore && isInfixTok(t.t)) return this.illegal();
    // In rule heads, whitespace may separate the name from its ref (`p [x] { … }`).
    if (t.t === Tok.LParen || t.t === Tok.Dot || t.t === Tok.LBrack) return this.parseRef(head, true);
    if (head.type === 'var' && ROOT_DOCUMENTS.has(head.name)) return refTerm([head], head.loc);
    return head;
  }

  private validateDefaultRuleValue(rule: Rule): boolean {
    const v = rule.head.value;
    if (!v) {
      this.error('illegal default rule (must have a value)', rule.loc);
      return false;
    }
    let bad: string | undefined;
    const visit = (t: Term): void => {
      if (bad) return;
      switch (t.type) {
        case 'ref':
        case 'var':
        case 'call':
          bad = t.type;
          return;
        case 'array':
        case 'set':
          t.items.forEach(visit);
          return;
        case 'object':
          t.items.forEach(([k, x]) => {
            visit(k);
            visit(x);
          });
          return;
      }
    };
    visit(v);
    if (bad) {
      this.error(`illegal default rule (value cannot contain ${bad})`, rule.loc);
      return false;
    }
    return true;
  }

  private validateDefaultRuleArgs(rule: Rule): boolean {
    const seen = new Set<string>();
    for (const a of rule.head.args ?? []) {
      if (a.type !== 'var') {
        this.error(`illegal default rule (arguments cannot contain ${a.type})`, rule.loc);
        return false;
      }
      if (seen.has(a.name)) {
        this.error(`illegal default rule (arguments cannot be repeated ${a.name})`, rule.loc);
        return false;
      }
      seen.add(a.name);
    }
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Bodies and literals

  private parseBody(end: Tok): Body | undefined {
    if (!this.enter()) return undefined;
    try {
      return this.parseQuery(false, end);
    } finally {
      this.leave();
    }
  }

  parseQuery(requireSemi: boolean, end: Tok): Body | undefined {
    const body: Body = [];
    if (this.t() === end) return this.error('found empty body');
    for (;;) {
      const expr = this.parseLogical();
      if (!expr) return undefined;
      body.push(expr);
      if (this.t() === Tok.Semicolon) {
        this.scan();
        continue;
      }
      if (this.t() === end || requireSemi) return body;
      if (!this.tok.nlBefore) {
        if (this.errors.length === 0) this.illegal(`expected \\n or ; or ${TOKEN_TEXT[end]}`);
        return undefined;
      }
    }
  }

  private get logicalKeywords(): boolean {
    return this.keywords.has('or') || this.keywords.has('and');
  }

  /**
   * A literal, or literals joined by the experimental `or` / `and` keywords (`and` binds tighter).
   * Operands are closures that succeed at most once; `{ … }` and `( … )` group them. A `with`
   * after the last operand applies to the whole connective.
   */
  parseLogical(): Expr | undefined {
    if (!this.logicalKeywords) return this.parseLiteral();
    return this.parseOrChainWith();
  }

  /** An `or` chain and the `with` modifiers after it, which apply to the whole chain. */
  private parseOrChainWith(): Expr | undefined {
    const chain = this.parseOrChain();
    if (!chain || !this.isKw('with')) return chain;
    const w = this.parseWith();
    if (!w) return undefined;
    chain.with = [...chain.with, ...w];
    return chain;
  }

  private parseOrChain(): Expr | undefined {
    return this.parseLogicalChain('or', () => this.parseAndChain());
  }

  private parseAndChain(): Expr | undefined {
    return this.parseLogicalChain('and', () => this.parseLogicalOperand());
  }

  /** `a op b op c`, left-associative; `and` binds tighter than `or`. */
  private parseLogicalChain(op: 'or' | 'and', operand: () => Expr | undefined): Expr | undefined {
    let left = operand();
    if (!left) return undefined;
    while (this.isKw(op)) {
      this.scan();
      const right = operand();
      if (!right) return undefined;
      left = exprOf({ type: 'logical', op, left: [left], right: [right], loc: left.loc }, left.loc);
    }
    return left;
  }

  private parseGroup(): Expr | undefined {
    const loc = this.loc();
    if (this.t() === Tok.LBrace) {
      this.scan();
      const body = this.parseBody(Tok.RBrace);
      if (!body) return undefined;
      this.scan();
      return exprOf({ type: 'logical', op: 'and', left: body, right: [], loc }, loc);
    }
    // ( … )
    this.scan();
    const inner = this.parseOrChainWith();
    if (!inner) return undefined;
    if (this.t() !== Tok.RParen) return this.error('non-terminated expression');
    this.scan();
    return exprOf({ type: 'logical', op: 'and', left: [inner], right: [], loc }, loc);
  }

  private parseLogicalOperand(): Expr | undefined {
    const loc = this.loc();
    if (this.isKw('not')) {
      const next = this.peek();
      if (next.t === Tok.LBrace || next.t === Tok.LParen) {
        const s = this.save();
        this.scan();
        if (next.t === Tok.LParen) {
          const lit = this.parseLiteralNoWith(false);
          if (lit && !this.isKw('or') && !this.isKw('and')) return this.withLoc(lit, loc);
          this.restore(s);
          this.scan();
        }
        const g = this.parseGroup();
        if (!g) return undefined;
        g.negated = true;
        g.loc = loc;
        return g;
      }
    }
    if (this.t() === Tok.LBrace) return this.parseGroup();
    if (this.t() === Tok.LParen) {
      const s = this.save();
      const lit = this.parseLiteral(true);
      if (lit) return lit;
      this.restore(s);
      return this.parseGroup();
    }
    return this.parseLiteral(true);
  }

  private parseLiteral(noWith = false): Expr | undefined {
    const loc = this.loc();
    if (this.isAnyKeyword() && !this.forcedIdent.has(this.pos)) {
      const next = this.peek();
      if (!next.wsBefore && (next.t === Tok.Dot || next.t === Tok.LBrack)) {
        this.forcedIdent.add(this.pos);
        return this.withLoc(this.parseLiteralExpr(false, noWith), loc);
      }
    }
    let negated = false;
    if (this.isKw('not') && (this.notBlocks || this.logicalKeywords) && this.peek().t === Tok.LBrace) {
      this.scan();
      const g = this.parseGroup();
      if (!g) return undefined;
      g.negated = true;
      g.loc = loc;
      return g;
    }
    if (this.isKw('not')) {
      const next = this.peek();
      if (next.wsBefore || (next.t !== Tok.Dot && next.t !== Tok.LBrack)) {
        this.scan();
        negated = true;
      } else this.forcedIdent.add(this.pos);
    }
    if (this.isKw('some')) {
      if (negated) return this.illegal("illegal negation of 'some'");
      return this.withLoc(this.parseSome(), loc);
    }
    if (this.isKw('every')) {
      if (negated) return this.illegal("illegal negation of 'every'");
      return this.withLoc(this.parseEvery(), loc);
    }
    return this.withLoc(this.parseLiteralExpr(negated, noWith), loc);
  }

  private parseLiteralNoWith(negated: boolean): Expr | undefined {
    return this.parseLiteralExpr(negated, true);
  }

  private withLoc(e: Expr | undefined, loc: Location): Expr | undefined {
    if (e) e.loc = loc;
    return e;
  }

  private parseLiteralExpr(negated: boolean, noWith = false): Expr | undefined {
    const expr = this.parseExpr();
    if (!expr) return undefined;
    expr.negated = negated;
    if (!noWith && this.isKw('with')) {
      const w = this.parseWith();
      if (!w) return undefined;
      expr.with = w;
    }
    return expr;
  }

  private parseWith(): With[] | undefined {
    const withs: With[] = [];
    for (;;) {
      const loc = this.loc();
      this.scan();
      if (!this.isIdent()) return this.illegal('expected ident');
      const target = this.parseTerm();
      if (!target) return undefined;
      if (target.type !== 'ref' && target.type !== 'var') this.illegal('expected with target path');
      if (!this.isKw('as')) return this.illegal('expected as keyword');
      this.scan();
      const value = this.parseTermInfixCall();
      if (!value) return undefined;
      withs.push({ target, value, loc });
      if (!this.isKw('with')) break;
    }
    return withs;
  }

  private parseSome(): Expr | undefined {
    const loc = this.loc();
    const decl: SomeDecl = { type: 'some', symbols: [], loc };
    const s = this.save();
    this.scan();
    const term = this.parseTermInfixCall();
    if (term && term.type === 'call') {
      const name = refToDotted(term.operator);
      if (name === 'internal.member_2' || name === 'internal.member_3') {
        decl.symbols = [term];
        const expr = exprOf(decl, loc);
        if (this.isKw('with')) {
          const w = this.parseWith();
          if (!w) return undefined;
          expr.with = w;
        }
        return expr;
      }
      this.restore(s);
      this.scan();
      this.parseTermInfixCall();
      return this.illegal('expected `x in xs` or `x, y in xs` expression');
    }
    this.restore(s);
    for (;;) {
      this.scan();
      if (!this.isIdent()) return this.illegal('expected var');
      decl.symbols.push(this.parseVarToken());
      if (this.t() !== Tok.Comma) break;
    }
    return exprOf(decl, loc);
  }

  private parseEvery(): Expr | undefined {
    const loc = this.loc();
    this.scan();
    const term = this.parseTermInfixCall();
    if (!term) return undefined;
    if (term.type !== 'call') return this.illegal('expected `x[, y] in xs { ... }` expression');
    const name = refToDotted(term.operator);
    const every: Every = { type: 'every', value: term.args[0]!, domain: term.args[0]!, body: [], loc };
    if (name === 'internal.member_2') {
      every.value = term.args[0]!;
      every.domain = term.args[1]!;
    } else if (name === 'internal.member_3') {
      every.key = term.args[0]!;
      every.value = term.args[1]!;
      every.domain = term.args[2]!;
      if (every.key.type !== 'var') return this.illegal('expected key to be a variable');
    } else return this.illegal('expected `x[, y] in xs { ... }` expression');
    if (every.value.type !== 'var') return this.illegal('expected value to be a variable');
    if (this.t() !== Tok.LBrace) return this.illegal('missing body');
    this.scan();
    const body = this.parseBody(Tok.RBrace);
    if (!body) return undefined;
    this.scan();
    every.body = body;
    const expr = exprOf(every, loc);
    if (this.isKw('with')) {
      const w = this.parseWith();
      if (!w) return undefined;
      expr.with = w;
    }
    return expr;
  }

  private parseExpr(): Expr | undefined {
    const lhs = this.parseTermInfixCall();
    if (!lhs) return undefined;
    if (this.t() === Tok.Assign || this.t() === Tok.Unify) {
      const op = this.opTerm();
      const rhs = this.parseTermInfixCall();
      if (!rhs) return undefined;
      return exprOf([op, lhs, rhs], lhs.loc);
    }
    if (lhs.type === 'call') return exprOf([lhs.operator, ...lhs.args], lhs.loc);
    return exprOf(lhs, lhs.loc);
  }

  private opTerm(): RefTerm {
    const loc = this.loc();
    const name = INFIX_NAMES[this.t()]!;
    this.scan();
    return refTerm([varTerm(name, loc)], loc);
  }

  // -------------------------------------------------------------------------------------------
  // Terms with operators (precedence climbing as in OPA)

  parseTermInfixCall(): Term | undefined {
    if (!this.enter()) return undefined;
    try {
      return this.parseTermIn(undefined, true);
    } finally {
      this.leave();
    }
  }

  private parseTermInfixCallInList(): Term | undefined {
    if (!this.enter()) return undefined;
    try {
      return this.parseTermIn(undefined, false);
    } finally {
      this.leave();
    }
  }

  private memberOp(name: 'internal.member_2' | 'internal.member_3'): RefTerm {
    const loc = this.loc();
    this.scan();
    return refTerm([varTerm('internal', loc), stringTerm(name.slice('internal.'.length), loc)], loc);
  }

  private parseTermIn(lhsIn: Term | undefined, keyVal: boolean): Term | undefined {
    const lhs = lhsIn ?? this.parseTermRelation(undefined);
    if (!lhs) return undefined;
    if (keyVal && this.t() === Tok.Comma) {
      const s = this.save();
      this.scan();
      const mhs = this.parseTermRelation(undefined);
      if (mhs && this.isKw('in')) {
        const op = this.memberOp('internal.member_3');
        const rhs = this.parseTermRelation(undefined);
        if (rhs) {
          const call: Term = { type: 'call', operator: op, args: [lhs, mhs, rhs], loc: lhs.loc };
          return this.isKw('in') ? this.parseTermIn(call, keyVal) : call;
        }
      }
      this.restore(s);
    }
    this.scanAheadRef();
    if (this.isKw('in')) {
      const op = this.memberOp('internal.member_2');
      const rhs = this.parseTermRelation(undefined);
      if (!rhs) return undefined;
      const call: Term = { type: 'call', operator: op, args: [lhs, rhs], loc: lhs.loc };
      return this.isKw('in') ? this.parseTermIn(call, keyVal) : call;
    }
    return lhs;
  }

  private binary(
    lhsIn: Term | undefined,
    ops: Tok[],
    next: () => Term | undefined,
  ): Term | undefined {
    let lhs = lhsIn ?? next();
    if (!lhs) return undefined;
    while (ops.includes(this.t())) {
      const op = this.opTerm();
      const rhs = next();
      if (!rhs) return undefined;
      lhs = { type: 'call', operator: op, args: [lhs, rhs], loc: lhs.loc };
    }
    return lhs;
  }

  private parseTermRelation(lhs: Term | undefined): Term | undefined {
    return this.binary(lhs, [Tok.Equal, Tok.Neq, Tok.Lt, Tok.Gt, Tok.Lte, Tok.Gte], () => this.parseTermOr());
  }
  private parseTermOr(): Term | undefined {
    return this.binary(undefined, [Tok.Or], () => this.parseTermAnd());
  }
  private parseTermAnd(): Term | undefined {
    return this.binary(undefined, [Tok.And], () => this.parseTermArith());
  }
  private parseTermArith(): Term | undefined {
    return this.binary(undefined, [Tok.Add, Tok.Sub], () => this.parseTermFactor());
  }
  private parseTermFactor(): Term | undefined {
    return this.binary(undefined, [Tok.Mul, Tok.Quo, Tok.Rem], () => this.parseTerm());
  }

  // -------------------------------------------------------------------------------------------
  // Terms

  parseTerm(): Term | undefined {
    if (!this.enter()) return undefined;
    try {
      return this.parseTermInner();
    } finally {
      this.leave();
    }
  }

  private parseTermInner(): Term | undefined {
    const t = this.tok;
    const loc = this.loc();
    let term: Term | undefined;
    switch (t.t) {
      case Tok.Ident:
        if (this.isKw('null')) {
          this.scan();
          term = { type: 'null', loc };
        } else if (this.isKw('true') || this.isKw('false')) {
          this.scan();
          term = booleanTerm(t.lit === 'true', loc);
        } else if (this.isIdent() || this.isKw('contains')) {
          term = this.parseVarToken();
        } else {
          return this.illegal();
        }
        break;
      case Tok.Sub:
      case Tok.Dot:
      case Tok.Number:
        term = this.parseNumber();
        break;
      case Tok.String:
        this.scan();
        term = stringTerm(t.value!, loc);
        break;
      case Tok.TemplatePart:
        term = this.parseTemplateString();
        break;
      case Tok.LBrack:
        term = this.parseArray();
        break;
      case Tok.LBrace:
        term = this.parseSetOrObject();
        break;
      case Tok.LParen: {
        this.scan();
        const r = this.parseTermInfixCall();
        if (!r) return undefined;
        if (this.t() !== Tok.RParen) return this.error('non-terminated expression');
        this.scan();
        term = r;
        break;
      }
      default:
        return this.illegal();
    }
    if (!term) return undefined;
    return this.parseTermFinish(term);
  }

  private parseTermFinish(head: Term): Term | undefined {
    const t = this.tok;
    if (!t.wsBefore && (t.t === Tok.LParen || t.t === Tok.Dot || t.t === Tok.LBrack)) return this.parseRef(head);
    if (head.type === 'var' && ROOT_DOCUMENTS.has(head.name)) return refTerm([head], head.loc);
    return head;
  }

  /** Consumes an identifier token and returns its var (wildcards get unique names). */
  private parseVarToken(): Term {
    const t = this.tok;
    const loc = this.loc();
    this.scan();
    if (t.lit === '_') return this.genWildcard(loc);
    return varTerm(t.lit, loc);
  }

  private genWildcard(loc?: Location): Term {
    return varTerm('$' + this.wildcard++, loc);
  }

  private parseRef(head: Term, leadingWs = false): Term | undefined {
    if (!this.enter()) return undefined;
    try {
      const loc = head.loc;
      switch (head.type) {
        case 'var':
        case 'array':
        case 'object':
        case 'set':
        case 'arraycomp':
        case 'setcomp':
        case 'objectcomp':
        case 'call':
          break;
        default:
          this.error(`illegal ref (head cannot be ${head.type})`, loc);
      }
      const terms: Term[] = [head];
      for (let first = true; ; first = false) {
        const t = this.tok;
        if (t.wsBefore && !(first && leadingWs)) return refTerm(terms, loc);
        if (t.t === Tok.Dot) {
          this.scan();
          const id = this.tok;
          if (id.t !== Tok.Ident || id.wsBefore) return this.illegal('expected ident');
          terms.push(stringTerm(id.lit, this.loc(id)));
          this.scan();
        } else if (t.t === Tok.LParen) {
          const call = this.parseCall(refTerm(terms, loc));
          if (!call) return undefined;
          const n = this.tok;
          if (!n.wsBefore && (n.t === Tok.Dot || n.t === Tok.LBrack)) return this.parseRef(call);
          return call;
        } else if (t.t === Tok.LBrack) {
          this.scan();
          const x = this.parseTermInfixCall();
          if (!x) return undefined;
          if (this.t() !== Tok.RBrack) return this.illegal('expected [');
          terms.push(x);
          this.scan();
        } else {
          return refTerm(terms, loc);
        }
      }
    } finally {
      this.leave();
    }
  }

  private parseCall(operator: RefTerm): Term | undefined {
    const loc = operator.loc;
    this.scan(); // (
    if (this.t() === Tok.RParen) {
      this.scan();
      if (operator.terms.length === 1 && operator.terms[0]!.type === 'var' && operator.terms[0]!.name === 'set') {
        return { type: 'set', items: [], loc };
      }
      return { type: 'call', operator, args: [], loc };
    }
    const args = this.parseTermList(Tok.RParen, []);
    if (!args) return undefined;
    this.scan();
    return { type: 'call', operator, args, loc };
  }

  private parseNumber(): Term | undefined {
    const loc = this.loc();
    let prefix = '';
    if (this.t() === Tok.Sub) {
      prefix = '-';
      this.scan();
      if (this.t() !== Tok.Number && this.t() !== Tok.Dot) return this.illegal('expected number');
    }
    if (this.t() === Tok.Dot) {
      prefix += '.';
      this.scan();
      if (this.t() !== Tok.Number) return this.illegal('expected number');
    }
    const lit = this.tok.lit;
    const hasDecimalPrefix = prefix.endsWith('.');
    if (!hasDecimalPrefix && lit.length > 1 && lit[0] === '0') {
      const isDecimal = lit[1] === '.';
      const isSci = lit.length > 2 && (lit[1] === 'e' || lit[1] === 'E');
      if (!isDecimal && !isSci) return this.illegal('expected number without leading zero');
    }
    let text = prefix + lit;
    if (text.startsWith('.') || text.startsWith('-.')) text = text.replace('.', '0.');
    const value = parseNumberText(text);
    if (value === undefined) return this.error('number too big');
    this.scan();
    return { type: 'number', value, text, loc };
  }

  private parseTemplateString(): Term | undefined {
    const loc = this.loc();
    const multiLine = !!this.tok.raw;
    const parts: (Term | Expr)[] = [];
    for (;;) {
      const t = this.tok;
      if (t.t !== Tok.TemplatePart) return this.error('expected template-string part');
      if (t.value) parts.push(stringTerm(t.value, this.loc(t)));
      this.scan();
      if (t.end) break;
      const expr = this.parseLiteral();
      if (!expr) return this.error('invalid template-string expression');
      if (expr.negated) return this.error("unexpected negation ('not') in template-string expression", expr.loc);
      const op = Array.isArray(expr.terms) ? refToDotted(expr.terms[0]!) : undefined;
      if (op === 'eq') return this.error("unexpected unification ('=') in template-string expression", expr.loc);
      if (op === 'assign') return this.error("unexpected assignment (':=') in template-string expression", expr.loc);
      if (!Array.isArray(expr.terms) && expr.terms.type === 'every') return this.error("unexpected 'every' in template-string expression", expr.loc);
      if (!Array.isArray(expr.terms) && expr.terms.type === 'some') return this.error("unexpected 'some' in template-string expression", expr.loc);
      const single = !Array.isArray(expr.terms) ? expr.terms : undefined;
      if (single && expr.with.length === 0 && (single.type === 'string' || single.type === 'number' || single.type === 'boolean' || single.type === 'null')) {
        parts.push(single);
      } else parts.push(expr);
      if (this.t() !== Tok.RBrace) return this.error('expected } to end template string expression');
      this.scan();
    }
    return { type: 'template', parts, multiLine, loc };
  }

  private parseArray(): Term | undefined {
    const loc = this.loc();
    this.scan();
    if (this.t() === Tok.RBrack) {
      this.scan();
      return { type: 'array', items: [], loc };
    }
    let potentialComprehension = true;
    if (this.t() === Tok.Comma) {
      potentialComprehension = false;
      this.scan();
    }
    const s = this.save();
    const head = this.parseTerm();
    if (!head) return undefined;
    switch (this.t()) {
      case Tok.RBrack:
        this.scan();
        return { type: 'array', items: [head], loc };
      case Tok.Comma: {
        this.scan();
        const items = this.parseTermList(Tok.RBrack, [head]);
        if (!items) return undefined;
        this.scan();
        return { type: 'array', items, loc };
      }
      case Tok.Or:
        if (potentialComprehension) {
          const s2 = this.save();
          this.scan();
          const body = this.parseBody(Tok.RBrack);
          if (body) {
            this.scan();
            return { type: 'arraycomp', term: head, body, loc };
          }
          if (this.t() !== Tok.Comma) return undefined;
          this.restore(s2);
        }
    }
    this.restore(s);
    const items = this.parseTermList(Tok.RBrack, []);
    if (!items) return undefined;
    this.scan();
    return { type: 'array', items, loc };
  }

  private parseSetOrObject(): Term | undefined {
    const loc = this.loc();
    this.scan();
    if (this.t() === Tok.RBrace) {
      this.scan();
      return { type: 'object', items: [], loc };
    }
    let potentialComprehension = true;
    if (this.t() === Tok.Comma) {
      potentialComprehension = false;
      this.scan();
    }
    const s = this.save();
    let head = this.parseTerm();
    if (!head) return undefined;
    switch (this.t()) {
      case Tok.Or:
        if (potentialComprehension) return this.parseSet(s, head, true, loc);
        break;
      case Tok.RBrace:
      case Tok.Comma:
        return this.parseSet(s, head, potentialComprehension, loc);
      case Tok.Colon:
        return this.parseObject(head, potentialComprehension, loc);
    }
    this.restore(s);
    head = this.parseTermInfixCallInList();
    if (!head) return undefined;
    switch (this.t()) {
      case Tok.RBrace:
      case Tok.Comma:
        return this.parseSet(s, head, false, loc);
      case Tok.Colon:
        return this.parseObject(head, potentialComprehension, loc);
    }
    return this.illegal('non-terminated set');
  }

  private parseSet(s: [number, number, number], head: Term, potentialComprehension: boolean, loc: Location): Term | undefined {
    switch (this.t()) {
      case Tok.RBrace:
        this.scan();
        return { type: 'set', items: [head], loc };
      case Tok.Comma: {
        this.scan();
        const items = this.parseTermList(Tok.RBrace, [head]);
        if (!items) return undefined;
        this.scan();
        return { type: 'set', items, loc };
      }
      case Tok.Or: {
        if (potentialComprehension) {
          const s2 = this.save();
          this.scan();
          const body = this.parseBody(Tok.RBrace);
          if (body) {
            this.scan();
            return { type: 'setcomp', term: head, body, loc };
          }
          if (this.t() !== Tok.Comma) return undefined;
          this.restore(s2);
        }
        this.restore(s);
        const items = this.parseTermList(Tok.RBrace, []);
        if (!items) return undefined;
        this.scan();
        return { type: 'set', items, loc };
      }
    }
    return undefined;
  }

  private parseObject(key: Term, potentialComprehension: boolean, loc: Location): Term | undefined {
    this.scan(); // :
    const s = this.save();
    const v = this.parseTerm();
    if (!v) return undefined;
    let potentialRelation = true;
    if (potentialComprehension) {
      const t = this.t();
      if (t === Tok.RBrace || t === Tok.Comma || t === Tok.Or) {
        if (t !== Tok.Or) potentialRelation = false;
        const s2 = this.save();
        const r = this.parseObjectFinish(key, v, true, loc);
        if (r) return r;
        if (!potentialRelation) return undefined;
        this.restore(s2);
      }
    }
    this.restore(s);
    if (potentialRelation) {
      const v2 = this.parseTermInfixCallInList();
      if (!v2) return undefined;
      if (this.t() === Tok.RBrace || this.t() === Tok.Comma) return this.parseObjectFinish(key, v2, false, loc);
    }
    return this.illegal('non-terminated object');
  }

  private parseObjectFinish(key: Term, val: Term, potentialComprehension: boolean, loc: Location): Term | undefined {
    switch (this.t()) {
      case Tok.RBrace:
        this.scan();
        return { type: 'object', items: [[key, val]], loc };
      case Tok.Or:
        if (potentialComprehension) {
          this.scan();
          const body = this.parseBody(Tok.RBrace);
          if (body) {
            this.scan();
            return { type: 'objectcomp', key, value: val, body, loc };
          }
          return undefined;
        }
        return this.illegal('non-terminated object');
      case Tok.Comma: {
        this.scan();
        const items = this.parseTermPairList(Tok.RBrace, [[key, val]]);
        if (!items) return undefined;
        this.scan();
        return { type: 'object', items, loc };
      }
    }
    return undefined;
  }

  /** Parses `a, b, c` up to (not consuming) `end`. */
  private parseTermList(end: Tok, r: Term[]): Term[] | undefined {
    if (this.t() === end) return r;
    for (;;) {
      const term = this.parseTermInfixCallInList();
      if (!term) return undefined;
      r.push(term);
      if (this.t() === end) return r;
      if (this.t() === Tok.Comma) {
        this.scan();
        if (this.t() === end) return r;
        continue;
      }
      return this.illegal(`expected "," or "${TOKEN_TEXT[end]}"`);
    }
  }

  private parseTermPairList(end: Tok, r: [Term, Term][]): [Term, Term][] | undefined {
    if (this.t() === end) return r;
    for (;;) {
      const key = this.parseTermInfixCallInList();
      if (!key) return undefined;
      if (this.t() !== Tok.Colon) return this.illegal('expected ":"');
      this.scan();
      const val = this.parseTermInfixCallInList();
      if (!val) return undefined;
      r.push([key, val]);
      if (this.t() === end) return r;
      if (this.t() === Tok.Comma) {
        this.scan();
        if (this.t() === end) return r;
        continue;
      }
      return this.illegal(`expected "," or "${TOKEN_TEXT[end]}"`);
    }
  }

  atEOF(): boolean {
    return this.t() === Tok.EOF;
  }
}

function isInfixTok(t: Tok): boolean {
  return (
    t === Tok.Add ||
    t === Tok.Sub ||
    t === Tok.Mul ||
    t === Tok.Quo ||
    t === Tok.Rem ||
    t === Tok.And ||
    t === Tok.Or ||
    t === Tok.Equal ||
    t === Tok.Neq ||
    t === Tok.Gt ||
    t === Tok.Gte ||
    t === Tok.Lt ||
    t === Tok.Lte
  );
}

export function isGroundTerm(t: Term): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'var':
      return false;
    case 'ref':
      return t.terms.every(isGroundTerm);
    case 'array':
    case 'set':
      return t.items.every(isGroundTerm);
    case 'object':
      return t.items.every(([k, v]) => isGroundTerm(k) && isGroundTerm(v));
    default:
      return false;
  }
}

function formatPath(terms: Term[]): string {
  let s = '';
  terms.forEach((t, i) => {
    if (t.type === 'var') s += i === 0 ? t.name : `[${t.name}]`;
    else if (t.type === 'string') s += i === 0 ? JSON.stringify(t.value) : /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(t.value) ? '.' + t.value : `[${JSON.stringify(t.value)}]`;
    else s += `[…]`;
  });
  return s;
}

/** Number literal text to a value; `undefined` when out of range. Integers stay exact. */
export function parseNumberText(text: string): RNumber | undefined {
  if (/^-?\d+$/.test(text)) return normalizeNumber(BigInt(text));
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return undefined;
  const exp = m[4] ? parseInt(m[4], 10) : 0;
  if (Math.abs(exp) > 100000) return undefined;
  const intPart = m[2] ?? '';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  // Integral value written with a fraction or exponent (1.0, 1e3): keep it exact.
  if (exp >= frac.length) {
    const digits = (intPart + frac).replace(/^0+(?=\d)/, '') || '0';
    const big = BigInt(digits) * 10n ** BigInt(exp - frac.length);
    const value = normalizeNumber(m[1] === '-' ? -big : big);
    if (typeof value === 'bigint' && !Number.isFinite(Number(value))) recordNumberLiteralText(value, text);
    return value;
  }
  const f = parseFloat(text);
  if (!Number.isFinite(f)) return undefined;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Entry points

function lex(source: string, file: string) {
  try {
    return tokenize(source, file);
  } catch (e) {
    if (e instanceof LexError) throw new RegoParseError([{ code: 'rego_parse_error', message: e.message, loc: e.loc }]);
    throw e;
  }
}

/** Parses a module (`package …` followed by imports and rules). Throws RegoParseError. */
export function parseModule(
  file: string,
  source: string,
  opts: ParseOptions,
  isBuiltin: BuiltinNameCheck = () => false,
): Module {
  return guardDepth(file, () => parseModuleInner(file, source, opts, isBuiltin));
}

/** Turns a JS stack overflow (absurdly nested source) into a parse error. */
function guardDepth<T>(file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new RegoParseError([{ code: 'rego_parse_error', message: 'max parsing recursion depth exceeded', loc: { file, row: 1, col: 1, offset: 0 } }]);
    }
    throw e;
  }
}

function parseModuleInner(file: string, source: string, opts: ParseOptions, isBuiltin: BuiltinNameCheck): Module {
  const { tokens, comments } = lex(source, file);
  const p = new Parser(tokens, file, opts);
  const stmts = p.parseStatements(false);
  if (p.errors.length > 0) throw new RegoParseError(p.errors.slice(0, 1));
  if (!p.atEOF()) throw new RegoParseError([{ code: 'rego_parse_error', message: 'unexpected token', loc: { file, row: 1, col: 1, offset: 0 } }]);
  return buildModule(file, source, stmts, comments, opts, p.regoV1Compatible, isBuiltin);
}

/** Parses a query body (`x := 1; y = x + 1`). Queries use v1 syntax unless told otherwise. */
export function parseQuery(source: string, opts: ParseOptions = { regoVersion: 'v1' }, file = ''): Body {
  return guardDepth(file, () => parseQueryInner(source, opts, file));
}

function parseQueryInner(source: string, opts: ParseOptions, file: string): Body {
  const { tokens } = lex(source, file);
  const p = new Parser(tokens, file, opts);
  const stmts = p.parseStatements(true);
  if (p.errors.length > 0) throw new RegoParseError(p.errors.slice(0, 1));
  const body: Body = [];
  for (const s of stmts) {
    if (s.kind !== 'body') {
      throw new RegoParseError([{ code: 'rego_parse_error', message: `expected body but got ${s.kind}`, loc: { file, row: 1, col: 1, offset: 0 } }]);
    }
    body.push(...s.body);
  }
  if (body.length === 0) throw new RegoParseError([{ code: 'rego_parse_error', message: 'empty query', loc: { file, row: 1, col: 1, offset: 0 } }]);
  return body;
}

/** Parses a single term (e.g. an `input_term` value). */
export function parseTermText(source: string, opts: ParseOptions = { regoVersion: 'v1' }): Term {
  const body = parseQuery(source, opts);
  const e = body[0]!;
  if (body.length !== 1 || Array.isArray(e.terms) || e.terms.type === 'some' || e.terms.type === 'every' || e.terms.type === 'logical') {
    throw new RegoParseError([{ code: 'rego_parse_error', message: 'expected exactly one term', loc: e.loc ?? { file: '', row: 1, col: 1, offset: 0 } }]);
  }
  return e.terms;
}

const KEYWORDS_V1 = new Set([...BASE_KEYWORDS, ...FUTURE_KEYWORDS]);

function buildModule(
  file: string,
  source: string,
  stmts: Statement[],
  comments: Comment[],
  opts: ParseOptions,
  regoV1Compatible: boolean,
  isBuiltin: BuiltinNameCheck,
): Module {
  const fileLoc: Location = { file, row: 1, col: 1, offset: 0 };
  if (stmts.length === 0) throw new RegoParseError([{ code: 'rego_parse_error', message: 'empty module', loc: fileLoc }]);
  const errors: ParseError[] = [];
  const first = stmts[0]!;
  if (first.kind !== 'package') {
    const loc = first.kind === 'import' ? first.imp.loc : first.kind === 'rules' ? first.rules[0]!.loc : first.body[0]!.loc;
    throw new RegoParseError([{ code: 'rego_parse_error', message: 'package expected', loc: loc ?? fileLoc }]);
  }
  const mod: Module = {
    file,
    source,
    package: first.pkg,
    imports: [],
    rules: [],
    comments,
    annotations: [],
    regoVersion: opts.regoVersion,
    regoV1Compatible: opts.regoVersion === 'v1' || regoV1Compatible,
  };
  for (const s of stmts.slice(1)) {
    switch (s.kind) {
      case 'import':
        mod.imports.push(s.imp);
        break;
      case 'rules':
        for (const r of s.rules) mod.rules.push(r);
        break;
      case 'body': {
        const r = ruleFromBody(s.body, isBuiltin);
        if (typeof r === 'string') errors.push({ code: 'rego_parse_error', message: r + v1KeywordHint(stmts, opts), loc: s.body[0]!.loc ?? fileLoc });
        else mod.rules.push(r);
        break;
      }
      case 'package':
        errors.push({ code: 'rego_parse_error', message: 'unexpected package', loc: s.pkg.loc ?? fileLoc });
        break;
    }
  }
  if (mod.regoV1Compatible) {
    for (const rule of mod.rules) for (let r: Rule | undefined = rule; r; r = r.else) errors.push(...checkRegoV1Rule(r));
  }
  if (errors.length > 0) throw new RegoParseError(errors);
  for (const r of mod.rules) setModule(r, mod);
  if (opts.annotations !== false) {
    const res = parseAnnotations(mod);
    if (res.errors.length > 0) throw new RegoParseError(res.errors);
  }
  return mod;
}

/** When a v0 module uses `if`/`contains` without importing them, statements fall apart oddly. */
function v1KeywordHint(stmts: Statement[], opts: ParseOptions): string {
  if (opts.regoVersion !== 'v0') return '';
  const hint = (kw: string) => ` (hint: \`${kw}\` is a keyword of Rego v1; in a v0 module add \`import rego.v1\` or \`import future.keywords.${kw}\`)`;
  for (const s of stmts) {
    if (s.kind === 'rules') {
      const h = s.rules[0]!.head.ref[0]!;
      if (h.type === 'var' && (h.name === 'if' || h.name === 'contains')) return hint(h.name);
    }
    if (s.kind !== 'body') continue;
    for (const e of s.body) {
      const t = e.terms;
      if (!Array.isArray(t) && t.type === 'var' && (t.name === 'if' || t.name === 'contains')) return hint(t.name);
    }
  }
  return '';
}

function setModule(r: Rule, m: Module) {
  r.module = m;
  if (r.else) setModule(r.else, m);
}

function checkRegoV1Rule(rule: Rule): ParseError[] {
  const errs: ParseError[] = [];
  const loc = rule.loc ?? { file: '', row: 1, col: 1, offset: 0 };
  const isFn = (rule.head.args?.length ?? 0) > 0;
  const t = isFn ? 'function' : 'rule';
  const name = rule.head.ref[0]!.type === 'var' ? (rule.head.ref[0] as { name: string }).name : '';
  if (rule.head.ref.length < 2 && KEYWORDS_V1.has(name)) {
    errs.push({ code: 'rego_parse_error', message: `${name} keyword cannot be used for rule name`, loc });
  }
  if (rule.generatedBody && rule.head.generatedValue) {
    errs.push({ code: 'rego_parse_error', message: `${t} must have value assignment and/or body declaration`, loc });
  }
  if (!rule.generatedBody && !rule.head.keywords.includes('if') && !rule.default) {
    errs.push({ code: 'rego_parse_error', message: `\`if\` keyword is required before ${t} body`, loc });
  }
  if (ruleKind(rule.head) === 'multi' && !rule.head.keywords.includes('contains')) {
    errs.push({ code: 'rego_parse_error', message: '`contains` keyword is required for partial set rules', loc });
  }
  return errs;
}

/** OPA's ParseRuleFromBody: a bare statement like `p := 1`, `p[x] = y`, `f(x) = y`, `a.b.c`. */
function ruleFromBody(body: Body, isBuiltin: BuiltinNameCheck): Rule | string {
  if (body.length !== 1) return 'multiple expressions cannot be used for rule head';
  const expr = body[0]!;
  const loc = expr.loc;
  if (expr.with.length > 0) return 'expressions using with keyword cannot be used for rule head';
  if (expr.negated) return 'negated expressions cannot be used for rule head';
  const ts = expr.terms;
  const trueBody = (l?: Location): Body => [exprOf(booleanTerm(true, l), l)];
  const mkHead = (ref: Term[], extra: Partial<Head> = {}): Head => ({
    ref,
    assign: false,
    generatedValue: false,
    keywords: [],
    loc,
    ...extra,
  });
  if (!Array.isArray(ts)) {
    if (ts.type === 'some') return "'some' declarations cannot be used for rule head";
    if (ts.type === 'every' || ts.type === 'logical') return 'expression cannot be used for rule head';
    if (ts.type === 'ref') {
      const ref = ts.terms;
      if (ref[0]!.type !== 'var') return `invalid rule head: ${formatPath(ref)}`;
      if (ref.length > 2) {
        return { default: false, head: mkHead(ref, { value: booleanTerm(true, loc), generatedValue: true }), body: trueBody(loc), generatedBody: true, loc };
      }
      if (ref.length === 1) return 'refs cannot be used for rule head';
      return { default: false, head: mkHead([ref[0]!], { key: ref[1] }), body: trueBody(loc), generatedBody: true, loc };
    }
    return `${ts.type} cannot be used for rule name`;
  }
  const op = refToDotted(ts[0]!);
  if (op === 'eq' || op === 'assign') {
    const lhs = ts[1];
    const rhs = ts[2];
    if (!lhs || !rhs) return 'assignment requires two operands';
    const assign = op === 'assign';
    let head: Head | undefined;
    if (lhs.type === 'call') {
      if (lhs.operator.terms[0]!.type !== 'var') return `invalid rule head: ${formatPath(lhs.operator.terms)}`;
      head = mkHead(lhs.operator.terms, { value: rhs, args: lhs.args });
    } else if (lhs.type === 'ref') {
      if (lhs.terms[0]!.type !== 'var') return `invalid rule head: ${formatPath(lhs.terms)}`;
      head = mkHead(lhs.terms, { value: rhs });
      if (lhs.terms.length === 2) head.key = lhs.terms[1];
    } else if (lhs.type === 'var') {
      head = mkHead([lhs], { value: rhs });
    } else return `${lhs.type} cannot be used for rule name`;
    head.assign = assign;
    return { default: false, head, body: trueBody(rhs.loc), generatedBody: true, loc };
  }
  if (op && isBuiltin(op)) return 'rule name conflicts with built-in function';
  if (ts.length <= 1) return 'rule argument list must take at least one argument';
  const ref = ts[0] as RefTerm;
  if (ref.terms[0]!.type !== 'var') return `invalid rule head: ${formatPath(ref.terms)}`;
  return {
    default: false,
    head: mkHead(ref.terms, { value: booleanTerm(true, loc), args: ts.slice(1) }),
    body: trueBody(loc),
    generatedBody: true,
    loc,
  };
}

export type { Annotation };
