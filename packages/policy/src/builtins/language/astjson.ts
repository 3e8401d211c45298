import { type Value, fromJSON } from '../../value.ts';
import type { Body, Expr, Module, Rule, Term } from '../../syntax/ast.ts';

// The JSON form of a parsed module, shaped like OPA's AST JSON (what `rego.parse_module` returns).

function term(t: Term): unknown {
  switch (t.type) {
    case 'null':
      return { type: 'null' };
    case 'boolean':
      return { type: 'boolean', value: t.value };
    case 'number':
      return { type: 'number', value: typeof t.value === 'bigint' ? Number(t.value) : t.value };
    case 'string':
      return { type: 'string', value: t.value };
    case 'var':
      return { type: 'var', value: t.orig ?? t.name };
    case 'ref':
      return { type: 'ref', value: t.terms.map(term) };
    case 'array':
      return { type: 'array', value: t.items.map(term) };
    case 'set':
      return { type: 'set', value: t.items.map(term) };
    case 'object':
      return { type: 'object', value: t.items.map(([k, v]) => [term(k), term(v)]) };
    case 'call':
      return { type: 'call', value: [term(t.operator), ...t.args.map(term)] };
    case 'arraycomp':
      return { type: 'arraycomprehension', value: { term: term(t.term), body: body(t.body) } };
    case 'setcomp':
      return { type: 'setcomprehension', value: { term: term(t.term), body: body(t.body) } };
    case 'objectcomp':
      return { type: 'objectcomprehension', value: { key: term(t.key), value: term(t.value), body: body(t.body) } };
    case 'template':
      return { type: 'templatestring', value: t.parts.map((p) => (p.type === 'expr' ? expr(p, 0) : term(p))) };
  }
}

function expr(e: Expr, index: number): unknown {
  const out: Record<string, unknown> = { index };
  const ts = e.terms;
  if (Array.isArray(ts)) out.terms = ts.map(term);
  else if (ts.type === 'some') out.terms = { symbols: ts.symbols.map(term) };
  else if (ts.type === 'every')
    out.terms = { key: ts.key ? term(ts.key) : null, value: term(ts.value), domain: term(ts.domain), body: body(ts.body) };
  else if (ts.type === 'logical') out.terms = { op: ts.op, left: body(ts.left), right: body(ts.right) };
  else out.terms = term(ts);
  if (e.negated) out.negated = true;
  if (e.with.length > 0) out.with = e.with.map((w) => ({ target: term(w.target), value: term(w.value) }));
  return out;
}

function body(b: Body): unknown[] {
  return b.map((e, i) => expr(e, i));
}

function rule(r: Rule): unknown {
  const h = r.head;
  const first = h.ref[0]!;
  const head: Record<string, unknown> = { ref: h.ref.map(term) };
  if (h.ref.length === 1 && first.type === 'var') head.name = first.name;
  if (h.args) head.args = h.args.map(term);
  if (h.key) head.key = term(h.key);
  if (h.value) head.value = term(h.value);
  if (h.assign) head.assign = true;
  const out: Record<string, unknown> = { head, body: body(r.body) };
  if (r.default) out.default = true;
  if (r.else) out.else = rule(r.else);
  return out;
}

export function moduleToJSON(m: Module): Value {
  const json: Record<string, unknown> = {
    package: { path: m.package.path.map(term) },
  };
  if (m.imports.length > 0) json.imports = m.imports.map((i) => ({ path: term(i.path), ...(i.alias ? { alias: i.alias } : {}) }));
  if (m.rules.length > 0) json.rules = m.rules.map(rule);
  return fromJSON(json);
}
