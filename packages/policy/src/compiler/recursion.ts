import { keyOf } from '../value.ts';
import type { CompileErrors } from '../errors.ts';
import { type Rule, type Term, walkTerms } from '../syntax/ast.ts';
import type { RuleGroup, TreeNode } from '../eval/ir.ts';
import { allExprs, scalarOf } from './util.ts';

// OPA's recursion check: a rule must not depend on itself, directly or through other rules.
// A data ref depends on the rules along its path and under it; variables in it match any key.

export function checkRecursion(root: TreeNode, rules: ReadonlyMap<RuleGroup, readonly Rule[]>, errs: CompileErrors): void {
  const deps = new Map<RuleGroup, Set<RuleGroup>>();
  for (const [g, list] of rules) {
    const out = new Set<RuleGroup>();
    for (const rule of list) {
      for (let r: Rule | undefined = rule; r; r = r.else) {
        walkTerms(r, (t) => {
          if (t.type === 'ref') refDeps(root, t.terms, out);
          if (t.type === 'call') refDeps(root, t.operator.terms, out);
        });
        for (const e of allExprs(r.body)) if (Array.isArray(e.terms) && e.terms[0]!.type === 'ref') refDeps(root, e.terms[0]!.terms, out);
      }
    }
    deps.set(g, out);
  }
  const state = new Map<RuleGroup, 1 | 2>();
  const stack: RuleGroup[] = [];
  const reported = new Set<RuleGroup>();
  const visit = (g: RuleGroup): void => {
    state.set(g, 1);
    stack.push(g);
    for (const d of deps.get(g) ?? []) {
      const s = state.get(d);
      if (s === 1) {
        const cycle = stack.slice(stack.indexOf(d));
        if (!reported.has(d)) {
          reported.add(d);
          const loc = rules.get(d)?.[0]?.loc;
          errs.add('rego_recursion_error', `rule ${d.path} is recursive: ${[...cycle, d].map((x) => x.path).join(' -> ')}`, loc);
        }
      } else if (s === undefined) visit(d);
    }
    stack.pop();
    state.set(g, 2);
  };
  for (const g of deps.keys()) if (!state.has(g)) visit(g);
}

function refDeps(root: TreeNode, terms: Term[], out: Set<RuleGroup>): void {
  const head = terms[0]!;
  if (head.type !== 'var' || head.name !== 'data') return;
  const addAll = (x: TreeNode) => {
    if (x.group) out.add(x.group);
    for (const c of x.children.values()) addAll(c);
  };
  const visit = (n: TreeNode, i: number): void => {
    if (n.group) out.add(n.group);
    if (i === terms.length) {
      addAll(n);
      return;
    }
    const c = scalarOf(terms[i]!);
    if (c !== undefined) {
      const next = n.children.get(keyOf(c));
      if (next) visit(next, i + 1);
      return;
    }
    if (terms[i]!.type === 'var' || terms[i]!.type === 'ref') {
      for (const child of n.children.values()) visit(child, i + 1);
      return;
    }
    addAll(n);
  };
  visit(root, 1);
}
