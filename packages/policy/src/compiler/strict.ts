import type { CompileErrors } from '../errors.ts';
import { type Module, type Term, refToDotted, walkTerms } from '../syntax/ast.ts';
import { allExprs } from './util.ts';

// Checks that Rego v1 (and v0 modules importing rego.v1) adds at compile time: no duplicate
// imports, no rules or variables shadowing `input`/`data`, no deprecated builtins.

const DEPRECATED = new Set(['any', 'all', 're_match', 'net.cidr_overlap', 'set_diff', 'cast_array', 'cast_set', 'cast_string', 'cast_boolean', 'cast_null', 'cast_object']);

export function checkRegoV1Modules(modules: readonly Module[], errs: CompileErrors): void {
  for (const m of modules) {
    if (!m.regoV1Compatible) continue;
    const seen = new Map<string, string>();
    for (const imp of m.imports) {
      const path = imp.path.terms;
      const last = path[path.length - 1]!;
      const name = imp.alias ?? (last.type === 'string' ? last.value : last.type === 'var' ? last.name : '');
      if (seen.has(name)) errs.add('rego_compile_error', `import must not shadow import ${seen.get(name)}`, imp.loc);
      else seen.set(name, formatImport(path));
    }
    const userFunction = (name: string) =>
      m.rules.some((r) => r.head.ref.length === 1 && r.head.ref[0]!.type === 'var' && (r.head.ref[0] as { name: string }).name === name);
    const deprecated = (n: string | undefined, loc: Term['loc']) => {
      if (n && DEPRECATED.has(n) && !userFunction(n)) errs.add('rego_type_error', `deprecated built-in function calls in expression: ${n}`, loc);
    };
    for (const r of m.rules) {
      const h = r.head.ref[0]!;
      if (h.type === 'var' && (h.name === 'input' || h.name === 'data')) {
        errs.add('rego_compile_error', `rules must not shadow ${h.name} (use a different rule name)`, r.loc);
      }
      walkTerms(r, (t) => {
        if (t.type === 'call') deprecated(refToDotted(t.operator), t.loc);
      });
      for (const e of allExprs(r.body)) if (Array.isArray(e.terms)) deprecated(refToDotted(e.terms[0]!), e.loc);
    }
  }
}

function formatImport(terms: Term[]): string {
  return terms.map((t, i) => (i === 0 ? (t as { name: string }).name : t.type === 'string' ? '.' + t.value : '')).join('');
}
