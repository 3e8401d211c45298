// strings.render_template: a Go text/template subset — `{{.field}}`, `{{$var}}`, pipelines,
// if/else/range/with/end, variable declarations, trim markers, comments, and the builtin
// functions and, or, not, len, index, print, printf, println, eq, ne, lt, le, gt, ge, html, js,
// urlquery, slice. A key missing from the variables renders as "<undefined>" (as OPA does).

import { RObject, RSet, type Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { charge, textUnits } from '../work.ts';
import { queryEscape } from './encoding.ts';
import { def, fail, obj, str } from './helpers.ts';
import { goSprintf, type Arg } from './sprintf.ts';
import { formatNumber } from '../../value.ts';

// Template values: Go's view of the JSON-decoded variables. Numbers from the data are
// json.Number (a string type in Go); numbers the template makes itself (indices, len) are ints.
class JSONNumber {
  constructor(readonly text: string) {}
}
type TV = null | boolean | number | string | JSONNumber | TV[] | Map<string, TV> | typeof UNDEFINED;
const UNDEFINED = Symbol('undefined');

class TemplateError extends Error {}

function fromRego(v: Value): TV {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return new JSONNumber(formatNumber(v));
  if (Array.isArray(v)) return v.map(fromRego);
  if (v instanceof RSet) return v.values().map(fromRego);
  const m = new Map<string, TV>();
  for (const [k, x] of (v as RObject).entries()) m.set(typeof k === 'string' ? k : JSON.stringify(k), fromRego(x));
  return m;
}

/** fmt.Sprint of a template value. */
function show(v: TV): string {
  if (v === UNDEFINED) return '<undefined>';
  if (v === null) return '<nil>';
  if (v instanceof JSONNumber) return v.text;
  if (Array.isArray(v)) return '[' + v.map(show).join(' ') + ']';
  if (v instanceof Map) return 'map[' + [...v.keys()].sort().map((k) => `${k}:${show(v.get(k)!)}`).join(' ') + ']';
  return String(v);
}

function truth(v: TV): boolean {
  if (v === null || v === UNDEFINED || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Lexing and parsing.

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with'; pipe: Pipeline; then: Node[]; else: Node[] }
  | { kind: 'range'; pipe: Pipeline; body: Node[]; else: Node[] };

interface Pipeline {
  decl: string[];
  assign: boolean; // `=` rather than `:=`
  cmds: Term[][];
}

type Term =
  | { kind: 'field'; base: Term | undefined; names: string[] } // .a.b or (x).a or $v.a
  | { kind: 'dot' }
  | { kind: 'var'; name: string; names: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'lit'; value: TV }
  | { kind: 'pipe'; pipe: Pipeline; names: string[] };

const TOKEN = /\s+|:=|=|\||,|\(|\)|"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)+'|\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*|(?:\.[A-Za-z0-9_]+)+|\.|[+-]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|[A-Za-z_][A-Za-z0-9_]*|\S/gy;

function lexAction(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < src.length && (m = TOKEN.exec(src)) !== null) {
    if (!/^\s+$/.test(m[0])) out.push(m[0]);
  }
  return out;
}

function unquote(tok: string): string {
  if (tok.startsWith('`')) return tok.slice(1, -1);
  return JSON.parse(tok.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string;
}

function parsePipeline(tokens: string[]): Pipeline {
  let pos = 0;
  const pipe: Pipeline = { decl: [], assign: false, cmds: [] };
  // Declarations: $x := …, $i, $v := …
  const declEnd = tokens.findIndex((t) => t === ':=' || t === '=');
  if (declEnd > 0 && tokens.slice(0, declEnd).every((t, i) => (i % 2 === 0 ? t.startsWith('$') : t === ','))) {
    pipe.decl = tokens.slice(0, declEnd).filter((t) => t !== ',');
    pipe.assign = tokens[declEnd] === '=';
    pos = declEnd + 1;
  }
  const term = (): Term => {
    const t = tokens[pos++];
    if (t === undefined) throw new TemplateError('missing value for command');
    if (t === '(') {
      let depth = 1;
      const start = pos;
      while (pos < tokens.length && depth > 0) {
        if (tokens[pos] === '(') depth++;
        if (tokens[pos] === ')') depth--;
        pos++;
      }
      if (depth !== 0) throw new TemplateError('unclosed left paren');
      const inner = parsePipeline(tokens.slice(start, pos - 1));
      const names: string[] = [];
      while (tokens[pos]?.startsWith('.') && tokens[pos] !== '.') names.push(...tokens[pos++]!.slice(1).split('.'));
      return { kind: 'pipe', pipe: inner, names };
    }
    if (t === '.') return { kind: 'dot' };
    if (t.startsWith('.')) return { kind: 'field', base: undefined, names: t.slice(1).split('.') };
    if (t.startsWith('$')) {
      const [name, ...names] = t.split('.');
      return { kind: 'var', name: name!, names };
    }
    if (t.startsWith('"') || t.startsWith('`')) return { kind: 'lit', value: unquote(t) };
    if (t.startsWith("'")) return { kind: 'lit', value: unquote('"' + t.slice(1, -1) + '"').codePointAt(0)! };
    if (t === 'true' || t === 'false') return { kind: 'lit', value: t === 'true' };
    if (t === 'nil') return { kind: 'lit', value: null };
    if (/^[+-]?\d/.test(t)) return { kind: 'lit', value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) return { kind: 'ident', name: t };
    throw new TemplateError(`unexpected "${t}" in command`);
  };
  let cmd: Term[] = [];
  while (pos < tokens.length) {
    if (tokens[pos] === '|') {
      pos++;
      if (cmd.length === 0) throw new TemplateError('missing command');
      pipe.cmds.push(cmd);
      cmd = [];
      continue;
    }
    cmd.push(term());
  }
  if (cmd.length === 0) throw new TemplateError('missing value for command');
  pipe.cmds.push(cmd);
  return pipe;
}

function parseTemplate(src: string): Node[] {
  // Split into text and actions, honouring `{{- ` and ` -}}` trim markers.
  const parts: ({ text: string } | { action: string })[] = [];
  let i = 0;
  let trimNext = false;
  while (i <= src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      parts.push({ text });
      break;
    }
    let start = open + 2;
    if (src.startsWith('- ', start) || /^-[\t\n\r]/.test(src.slice(start, start + 2))) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    parts.push({ text });
    const close = src.indexOf('}}', start);
    if (close < 0) throw new TemplateError('unclosed action');
    let body = src.slice(start, close);
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    parts.push({ action: body.trim() });
    i = close + 2;
  }

  let pos = 0;
  const block = (terminators: string[]): [Node[], string] => {
    const nodes: Node[] = [];
    while (pos < parts.length) {
      const p = parts[pos++]!;
      if ('text' in p) {
        if (p.text !== '') nodes.push({ kind: 'text', text: p.text });
        continue;
      }
      const a = p.action;
      if (a.startsWith('/*')) continue; // comment
      const tokens = lexAction(a);
      const kw = tokens[0];
      if (kw === 'end' || kw === 'else') {
        if (!terminators.includes(kw)) throw new TemplateError(`unexpected {{${kw}}}`);
        if (kw === 'else') pos--; // let the caller see the else
        return [nodes, a];
      }
      if (kw === 'if' || kw === 'with' || kw === 'range') nodes.push(control(kw, tokens.slice(1)));
      else nodes.push({ kind: 'action', pipe: parsePipeline(tokens) });
    }
    if (terminators.length > 0) throw new TemplateError('unexpected EOF');
    return [nodes, ''];
  };
  const control = (kw: 'if' | 'with' | 'range', tokens: string[]): Node => {
    const pipe = parsePipeline(tokens);
    const [body, term] = block(['end', 'else']);
    let elseNodes: Node[] = [];
    if (term.startsWith('else')) {
      const p = parts[pos++] as { action: string };
      const rest = lexAction(p.action).slice(1);
      if (rest[0] === 'if' || rest[0] === 'with') {
        // `else if` chains nest a new conditional that shares the final {{end}}.
        elseNodes = [control(rest[0], rest.slice(1))];
      } else {
        [elseNodes] = block(['end']);
      }
    }
    if (kw === 'range') return { kind: 'range', pipe, body, else: elseNodes };
    return { kind: kw, pipe, then: body, else: elseNodes };
  };
  const [nodes] = block([]);
  return nodes;
}

// ---------------------------------------------------------------------------------------------
// Execution.

type Scope = Map<string, TV>[];

function lookupVar(scope: Scope, name: string): TV {
  for (let i = scope.length - 1; i >= 0; i--) if (scope[i]!.has(name)) return scope[i]!.get(name)!;
  throw new TemplateError(`undefined variable: ${name}`);
}

function setVar(scope: Scope, name: string, v: TV, declare: boolean): void {
  if (declare) {
    scope[scope.length - 1]!.set(name, v);
    return;
  }
  for (let i = scope.length - 1; i >= 0; i--) {
    if (scope[i]!.has(name)) {
      scope[i]!.set(name, v);
      return;
    }
  }
  throw new TemplateError(`undefined variable: ${name}`);
}

function field(v: TV, names: string[]): TV {
  let cur = v;
  for (const n of names) {
    if (cur instanceof Map) cur = cur.has(n) ? cur.get(n)! : UNDEFINED;
    else if (cur === UNDEFINED) return UNDEFINED;
    else throw new TemplateError(`can't evaluate field ${n} in type ${goType(cur)}`);
  }
  return cur;
}

function goType(v: TV): string {
  if (v === null || v === UNDEFINED) return 'interface {}';
  if (v instanceof JSONNumber) return 'json.Number';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Map) return 'map[string]interface {}';
  return typeof v === 'number' ? 'int' : typeof v === 'boolean' ? 'bool' : 'string';
}

function numeric(v: TV): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof JSONNumber) return Number(v.text);
  return undefined;
}

function basicEqual(a: TV, b: TV): boolean {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x === y;
  if (Array.isArray(a) || a instanceof Map || Array.isArray(b) || b instanceof Map) {
    throw new TemplateError('non-comparable types');
  }
  return a === b;
}

function compareOrdered(a: TV, b: TV): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError('incompatible types for comparison');
}

function toArg(v: TV): Arg {
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', v: BigInt(v) } : { kind: 'float', v };
  if (v instanceof JSONNumber) return { kind: 'string', v: v.text };
  return { kind: 'string', v: show(v) };
}

const FUNCS: Record<string, (args: TV[]) => TV> = {
  not: ([a]) => !truth(a!),
  len: ([a]) => {
    if (typeof a === 'string') return new TextEncoder().encode(a).length;
    if (Array.isArray(a)) return a.length;
    if (a instanceof Map) return a.size;
    throw new TemplateError(`len of type ${goType(a!)}`);
  },
  index: ([a, ...keys]) => {
    let cur: TV = a as TV;
    for (const k of keys) {
      if (cur instanceof Map) cur = cur.get(String(k instanceof JSONNumber ? k.text : k)) ?? null;
      else if (Array.isArray(cur)) {
        const i = numeric(k);
        if (i === undefined || i < 0 || i >= cur.length) throw new TemplateError(`index out of range: ${show(k)}`);
        cur = cur[i]!;
      } else throw new TemplateError(`can't index item of type ${goType(cur)}`);
    }
    return cur;
  },
  print: (args) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + show(a)).join(''),
  println: (args) => args.map(show).join(' ') + '\n',
  printf: ([f, ...args]) => goSprintf(String(f), args.map(toArg)),
  eq: ([a, ...bs]) => bs.some((b) => basicEqual(a!, b)),
  ne: ([a, b]) => !basicEqual(a!, b!),
  lt: ([a, b]) => compareOrdered(a!, b!) < 0,
  le: ([a, b]) => compareOrdered(a!, b!) <= 0,
  gt: ([a, b]) => compareOrdered(a!, b!) > 0,
  ge: ([a, b]) => compareOrdered(a!, b!) >= 0,
  html: (args) =>
    args
      .map(show)
      .join('')
      .replace(/[&'<>"\0]/g, (c) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!),
  js: (args) =>
    args
      .map(show)
      .join('')
      .replace(/[\\'"<>&=\n\r\t]/g, (c) =>
        c === '\\' ? '\\\\' : c === "'" ? "\\'" : c === '"' ? '\\"' : `\\u00${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
      ),
  urlquery: (args) => queryEscape(args.map(show).join('')),
  slice: ([a, ...idx]) => {
    const ns = idx.map((x) => numeric(x) ?? 0);
    if (typeof a === 'string') return a.slice(ns[0] ?? 0, ns[1]);
    if (Array.isArray(a)) return a.slice(ns[0] ?? 0, ns[1]);
    throw new TemplateError(`can't slice item of type ${goType(a!)}`);
  },
};

function evalTerm(t: Term, dot: TV, scope: Scope, final?: TV): TV {
  switch (t.kind) {
    case 'dot':
      return dot;
    case 'field':
      return field(dot, t.names);
    case 'var':
      return field(lookupVar(scope, t.name), t.names);
    case 'lit':
      return t.value;
    case 'pipe':
      return field(evalPipeline(t.pipe, dot, scope), t.names);
    case 'ident': {
      const f = FUNCS[t.name];
      if (!f) throw new TemplateError(`function "${t.name}" not defined`);
      return f(final === undefined ? [] : [final]);
    }
  }
}

function evalCommand(cmd: Term[], dot: TV, scope: Scope, final: TV | undefined): TV {
  const head = cmd[0]!;
  if (head.kind === 'ident') {
    const name = head.name;
    const args = cmd.slice(1).map((a) => evalTerm(a, dot, scope));
    if (final !== undefined) args.push(final);
    // and/or return the deciding argument.
    if (name === 'and') return args.find((a) => !truth(a)) ?? args[args.length - 1]!;
    if (name === 'or') return args.find((a) => truth(a)) ?? args[args.length - 1]!;
    const f = FUNCS[name];
    if (!f) throw new TemplateError(`function "${name}" not defined`);
    return f(args);
  }
  if (cmd.length > 1 || final !== undefined) throw new TemplateError(`can't give argument to non-function ${show(evalTerm(head, dot, scope))}`);
  return evalTerm(head, dot, scope);
}

function evalPipeline(p: Pipeline, dot: TV, scope: Scope): TV {
  let value: TV | undefined;
  for (const cmd of p.cmds) value = evalCommand(cmd, dot, scope, value);
  const v = value!;
  if (p.decl.length > 0) setVar(scope, p.decl[p.decl.length - 1]!, v, !p.assign);
  return v;
}

function* countTo(n: number): Generator<[TV, TV]> {
  for (let i = 0; i < n; i++) yield [i, i];
}

// Nested ranges multiply, so every node executed is charged to the evaluation budget.
function exec(nodes: Node[], dot: TV, scope: Scope, out: string[], ctx: BuiltinContext): void {
  for (const n of nodes) {
    charge(ctx, 1);
    switch (n.kind) {
      case 'text':
        out.push(n.text);
        break;
      case 'action': {
        const v = evalPipeline(n.pipe, dot, scope);
        if (n.pipe.decl.length === 0) out.push(show(v));
        break;
      }
      case 'if':
      case 'with': {
        scope.push(new Map());
        const v = evalPipeline(n.pipe, dot, scope);
        if (truth(v)) exec(n.then, n.kind === 'with' ? v : dot, scope, out, ctx);
        else exec(n.else, dot, scope, out, ctx);
        scope.pop();
        break;
      }
      case 'range': {
        scope.push(new Map());
        const decl = n.pipe.decl;
        const v = evalPipeline({ ...n.pipe, decl: [] }, dot, scope);
        // `range N` counts lazily: N can be huge, the budget stops the loop.
        const items: Iterable<[TV, TV]> = Array.isArray(v)
          ? v.map((x, i): [TV, TV] => [i, x])
          : v instanceof Map
            ? [...v.keys()].sort().map((k): [TV, TV] => [k, v.get(k)!])
            : typeof v === 'number'
              ? countTo(v)
              : v === null || v === UNDEFINED
                ? []
                : (() => {
                    throw new TemplateError(`range can't iterate over ${show(v)}`);
                  })();
        const empty = typeof v === 'number' ? v <= 0 : (items as [TV, TV][]).length === 0;
        if (empty) exec(n.else, dot, scope, out, ctx);
        for (const [k, x] of items) {
          charge(ctx, 1);
          if (decl.length === 1) setVar(scope, decl[0]!, x, true);
          if (decl.length === 2) {
            setVar(scope, decl[0]!, k, true);
            setVar(scope, decl[1]!, x, true);
          }
          exec(n.body, x, scope, out, ctx);
        }
        scope.pop();
        break;
      }
    }
  }
}

function renderTemplate([t, vars]: Value[], ctx: BuiltinContext): Value {
  const name = 'strings.render_template';
  const source = str(name, t!, 1);
  charge(ctx, textUnits(source));
  const data = fromRego(obj(name, vars!, 2));
  try {
    const nodes = parseTemplate(source);
    const out: string[] = [];
    exec(nodes, data, [new Map([['$', data]])], out, ctx);
    return out.join('');
  } catch (e) {
    if (e instanceof TemplateError) throw fail(name, `template: template: ${e.message}`);
    throw e;
  }
}

export const templateBuiltins: BuiltinDef[] = [def('strings.render_template', 2, renderTemplate)];
