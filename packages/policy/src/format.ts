import { RObject, RSet, type Value, formatNumber } from './value.ts';
import type { Body, Expr, Term } from './syntax/ast.ts';

// Rego text for values and terms, as OPA prints them (`{"a": 1}`, `{1, 2}`, `set()`), used by
// print, template strings, error messages and the test runner.

export function formatValue(v: Value): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return formatNumber(v);
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return '[' + v.map(formatValue).join(', ') + ']';
  if (v instanceof RSet) return v.size === 0 ? 'set()' : '{' + v.values().map(formatValue).join(', ') + '}';
  if (v instanceof RObject) return '{' + v.entries().map(([k, x]) => formatValue(k) + ': ' + formatValue(x)).join(', ') + '}';
  return String(v);
}

/** Like formatValue, but a top-level string is printed raw (print/template strings). */
export function formatValueRaw(v: Value): string {
  return typeof v === 'string' ? v : formatValue(v);
}

const IDENT = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function formatTerm(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(t.value);
    case 'number':
      return t.text ?? formatNumber(t.value);
    case 'string':
      return JSON.stringify(t.value);
    case 'var':
      return t.orig ?? (t.name.startsWith('$') ? '_' : t.name);
    case 'ref':
      return t.terms
        .map((x, i) => {
          if (i === 0) return formatTerm(x);
          if (x.type === 'string' && IDENT.test(x.value)) return '.' + x.value;
          return '[' + formatTerm(x) + ']';
        })
        .join('');
    case 'array':
      return '[' + t.items.map(formatTerm).join(', ') + ']';
    case 'set':
      return t.items.length === 0 ? 'set()' : '{' + t.items.map(formatTerm).join(', ') + '}';
    case 'object':
      return '{' + t.items.map(([k, v]) => formatTerm(k) + ': ' + formatTerm(v)).join(', ') + '}';
    case 'arraycomp':
      return '[' + formatTerm(t.term) + ' | ' + formatBody(t.body) + ']';
    case 'setcomp':
      return '{' + formatTerm(t.term) + ' | ' + formatBody(t.body) + '}';
    case 'objectcomp':
      return '{' + formatTerm(t.key) + ': ' + formatTerm(t.value) + ' | ' + formatBody(t.body) + '}';
    case 'call':
      return formatTerm(t.operator) + '(' + t.args.map(formatTerm).join(', ') + ')';
    case 'template':
      return (
        '$"' +
        t.parts.map((p) => (p.type === 'string' ? p.value.replace(/[{"\\]/g, (c) => '\\' + c) : '{' + (p.type === 'expr' ? formatExpr(p) : formatTerm(p)) + '}')).join('') +
        '"'
      );
  }
}

const INFIX: Record<string, string> = {
  eq: '=',
  assign: ':=',
  equal: '==',
  neq: '!=',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  plus: '+',
  minus: '-',
  mul: '*',
  div: '/',
  rem: '%',
  and: '&',
  or: '|',
};

export function formatExpr(e: Expr): string {
  let s = e.negated ? 'not ' : '';
  const ts = e.terms;
  if (Array.isArray(ts)) {
    const op = ts[0]!;
    const name = op.type === 'ref' && op.terms.length === 1 && op.terms[0]!.type === 'var' ? op.terms[0]!.name : undefined;
    const args = ts.slice(1);
    if (name && INFIX[name] && args.length === 2) s += `${formatTerm(args[0]!)} ${INFIX[name]} ${formatTerm(args[1]!)}`;
    else if (name && INFIX[name] && args.length === 3 && name !== 'eq' && name !== 'assign')
      s += `${formatTerm(args[0]!)} ${INFIX[name]} ${formatTerm(args[1]!)} = ${formatTerm(args[2]!)}`;
    else s += formatTerm(op) + '(' + args.map(formatTerm).join(', ') + ')';
  } else if (ts.type === 'some') s += 'some ' + ts.symbols.map(formatTerm).join(', ');
  else if (ts.type === 'every')
    s += `every ${ts.key ? formatTerm(ts.key) + ', ' : ''}${formatTerm(ts.value)} in ${formatTerm(ts.domain)} { ${formatBody(ts.body)} }`;
  else if (ts.type === 'logical') s += `{ ${formatBody(ts.left)} } ${ts.op} { ${formatBody(ts.right)} }`;
  else s += formatTerm(ts);
  for (const w of e.with) s += ` with ${formatTerm(w.target)} as ${formatTerm(w.value)}`;
  return s;
}

export function formatBody(b: Body): string {
  return b.map(formatExpr).join('; ');
}
