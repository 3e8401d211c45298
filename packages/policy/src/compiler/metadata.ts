import { RObject, type Value, fromJSON } from '../value.ts';
import type { Annotation, Module, Rule } from '../syntax/ast.ts';

// rego.metadata.rule() and rego.metadata.chain(): computed at compile time from METADATA
// annotations (rule, document, package and subpackages scopes), as OPA does.

export function metadataValue(modules: readonly Module[], rule: Rule | undefined, module: Module | undefined, kind: 'chain' | 'rule'): Value {
  if (!rule || !module) return kind === 'chain' ? [] : new RObject();
  const own = rule.annotations?.find((a) => a.scope === 'rule');
  const pkg = module.package.path.slice(1).map((t) => (t as { value: string }).value);
  const rulePath: Value[] = [...pkg, ...rule.head.ref.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : ''))];
  const docs: Annotation[] = [];
  for (const m of modules) {
    for (const a of m.annotations) {
      if (a.scope !== 'document' || a.target?.kind !== 'rule') continue;
      const r = a.target.rule;
      const p = [...m.package.path.slice(1).map((t) => (t as { value: string }).value), ...r.head.ref.map((t) => (t.type === 'var' ? t.name : t.type === 'string' ? t.value : ''))];
      if (JSON.stringify(p) === JSON.stringify(rulePath)) docs.push(a);
    }
  }
  if (kind === 'rule') {
    const a = own ?? docs[0];
    return a ? fromJSON(a.json) : new RObject();
  }
  const chain: Value[] = [];
  const entry = (path: Value[], a?: Annotation) => fromJSON(a ? { path, annotations: a.json } : { path });
  chain.push(entry(rulePath, own));
  for (const d of docs) chain.push(entry(rulePath, d));
  for (let i = pkg.length; i >= 1; i--) {
    const prefix = pkg.slice(0, i);
    for (const m of modules) {
      const mp = m.package.path.slice(1).map((t) => (t as { value: string }).value);
      for (const a of m.annotations) {
        if (a.target?.kind !== 'package') continue;
        const exact = mp.length === prefix.length && mp.every((x, j) => x === prefix[j]);
        if (!exact) continue;
        if (i === pkg.length ? a.scope === 'package' || a.scope === 'subpackages' : a.scope === 'subpackages') chain.push(entry(prefix, a));
      }
    }
  }
  return chain;
}
