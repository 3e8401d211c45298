import { parse as parseYaml } from 'yaml';
import type { Annotation, Comment, Location, Module, Rule } from './ast.ts';
import type { ParseError } from './parser.ts';

// METADATA comment blocks (OPA annotations): a comment whose text starts with `METADATA`,
// followed by comments on consecutive lines starting in column 1, holding YAML. Each block is
// attached to the statement that follows it. Used by `rego.metadata.rule()` / `.chain()`.

const SCOPES = new Set(['package', 'subpackages', 'rule', 'document', 'import']);

export function parseAnnotations(mod: Module): { errors: ParseError[] } {
  const errors: ParseError[] = [];
  const blocks: { loc: Location; lines: Comment[] }[] = [];
  let curr: { loc: Location; lines: Comment[] } | undefined;
  const cs = mod.comments;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (curr) {
      const prev = cs[i - 1]!;
      if (c.loc.row === prev.loc.row + 1 && c.loc.col === 1) {
        curr.lines.push(c);
        continue;
      }
      curr = undefined;
    }
    if (c.text.trim().startsWith('METADATA')) {
      curr = { loc: c.loc, lines: [] };
      blocks.push(curr);
    }
  }
  if (blocks.length === 0) return { errors };

  // Statements in source order: package, imports, rules (not else branches).
  const stmts: { row: number; target: NonNullable<Annotation['target']> }[] = [];
  if (mod.package.loc) stmts.push({ row: mod.package.loc.row, target: { kind: 'package' } });
  for (const imp of mod.imports) if (imp.loc) stmts.push({ row: imp.loc.row, target: { kind: 'import' } });
  for (const r of mod.rules) if (r.loc) stmts.push({ row: r.loc.row, target: { kind: 'rule', rule: r } });
  stmts.sort((a, b) => a.row - b.row);

  for (const b of blocks) {
    const text = b.lines.map((l) => (l.text.startsWith(' ') ? l.text.slice(1) : l.text)).join('\n');
    if (text.trim() === '') {
      errors.push({ code: 'rego_parse_error', message: 'expected METADATA block, found whitespace', loc: b.loc });
      continue;
    }
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (e) {
      errors.push({ code: 'rego_parse_error', message: `yaml: ${(e as Error).message}`, loc: b.loc });
      continue;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      errors.push({ code: 'rego_parse_error', message: 'yaml: invalid METADATA block', loc: b.loc });
      continue;
    }
    const lastRow = b.lines.length > 0 ? b.lines[b.lines.length - 1]!.loc.row : b.loc.row;
    const next = stmts.find((s) => s.row > lastRow);
    const rawObj = raw as Record<string, unknown>;
    const json = toAnnotationJSON(rawObj);
    let scope = typeof rawObj.scope === 'string' ? rawObj.scope : undefined;
    if (scope !== undefined && !SCOPES.has(scope)) {
      errors.push({ code: 'rego_parse_error', message: `invalid annotation scope '${scope}'`, loc: b.loc });
      continue;
    }
    if (!next) {
      if (scope === undefined || scope === 'package' || scope === 'subpackages') {
        // A trailing block with no statement after it applies to nothing.
      }
      continue;
    }
    if (scope === undefined) scope = next.target.kind === 'rule' ? 'rule' : next.target.kind;
    if ((scope === 'rule' || scope === 'document') && next.target.kind !== 'rule') {
      errors.push({ code: 'rego_parse_error', message: `annotation scope '${scope}' must be applied to rule (have ${next.target.kind})`, loc: b.loc });
      continue;
    }
    if ((scope === 'package' || scope === 'subpackages') && next.target.kind !== 'package') {
      errors.push({ code: 'rego_parse_error', message: `annotation scope '${scope}' must be applied to package (have ${next.target.kind})`, loc: b.loc });
      continue;
    }
    json.scope = scope;
    const a: Annotation = { scope: scope as Annotation['scope'], json, loc: b.loc, target: next.target };
    mod.annotations.push(a);
    if (next.target.kind === 'rule') {
      const r: Rule = next.target.rule;
      (r.annotations ??= []).push(a);
    }
  }
  return { errors };
}

function toAnnotationJSON(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['title', 'description', 'entrypoint', 'organizations', 'schemas']) {
    if (raw[k] !== undefined && raw[k] !== null && raw[k] !== '' && raw[k] !== false) out[k] = raw[k];
  }
  if (Array.isArray(raw.authors)) {
    out.authors = raw.authors.map((a) => {
      if (typeof a === 'string') {
        const parts = a.trim().split(/\s+/);
        const last = parts[parts.length - 1] ?? '';
        if (last.length >= 2 && last.startsWith('<') && last.endsWith('>')) {
          const name = parts.slice(0, -1).join(' ');
          return name ? { name, email: last.slice(1, -1) } : { email: last.slice(1, -1) };
        }
        return { name: parts.join(' ') };
      }
      return a;
    });
  }
  if (Array.isArray(raw.related_resources)) {
    out.related_resources = raw.related_resources.map((r) => (typeof r === 'string' ? { ref: r } : r));
  }
  if (raw.custom && typeof raw.custom === 'object') out.custom = raw.custom;
  return out;
}
