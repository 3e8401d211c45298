import type { Value } from '../value.ts';
import { type Body, type Expr, type Term, walkTerms } from '../syntax/ast.ts';

/** The value of a scalar term, else undefined. */
export function scalarOf(t: Term): Value | undefined {
  switch (t.type) {
    case 'null':
      return null;
    case 'boolean':
    case 'number':
    case 'string':
      return t.value;
    default:
      return undefined;
  }
}

/** Every expression of a body, including those nested in `every`, logical operands and comprehensions. */
export function allExprs(body: Body): Expr[] {
  const out: Expr[] = [];
  const visit = (b: Body) => {
    for (const e of b) {
      out.push(e);
      const ts = e.terms;
      if (!Array.isArray(ts)) {
        if (ts.type === 'every') visit(ts.body);
        else if (ts.type === 'logical') {
          visit(ts.left);
          visit(ts.right);
        }
      }
    }
  };
  visit(body);
  for (const e of [...out]) {
    walkTerms(e, (t) => {
      if (t.type === 'arraycomp' || t.type === 'setcomp' || t.type === 'objectcomp') for (const x of allExprs(t.body)) out.push(x);
      return false;
    });
  }
  return out;
}
