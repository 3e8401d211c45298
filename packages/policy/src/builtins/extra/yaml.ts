import { Document, parse, parseAllDocuments, visit, type YAMLError } from 'yaml';
import type { BuiltinDef } from '../types.ts';
import { RObject, normalizeNumber, type Value } from '../../value.ts';
import { builtinError, stringArg } from './args.ts';
import { goJSON, parseGoJSON } from '../core/gojson.ts';

// yaml.* builtins. OPA uses sigs.k8s.io/yaml (go-yaml v2 semantics, YAML 1.1 scalars): only the
// first document counts, keys become strings, timestamps stay strings, and Marshal writes block
// style with sorted keys and unindented sequences.

class YAMLParseError extends Error {}

/** libyaml's wording for the errors policies most often hit; others keep the parser's text. */
function goYAMLMessage(e: YAMLError): string {
  const line = e.linePos?.[0]?.line ?? 1;
  const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  let msg = first;
  if (e.code === 'MISSING_CHAR' && /Flow sequence/.test(first)) msg = "did not find expected ',' or ']'";
  else if ((e.code === 'MISSING_CHAR' || e.code === 'BAD_INDENT') && /Flow map/.test(first)) msg = "did not find expected ',' or '}'";
  else if (/closing .*quote/i.test(first)) msg = 'found unexpected end of stream';
  return `yaml: line ${line}: ${msg}`;
}

/** Converts parsed YAML data to a Rego value with string keys, as YAMLToJSON does. */
function toValue(x: unknown): Value {
  if (x === null || x === undefined) return null;
  if (typeof x === 'bigint' || typeof x === 'number') return normalizeNumber(x);
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (x instanceof Uint8Array) return Buffer.from(x).toString('base64');
  if (Array.isArray(x)) return x.map(toValue);
  if (x instanceof Set) return [...x].map(toValue);
  if (x instanceof Map) {
    const o = new RObject();
    for (const [k, v] of x) o.set(keyString(k), toValue(v));
    return o;
  }
  const o = new RObject();
  for (const [k, v] of Object.entries(x as object)) o.set(k, toValue(v));
  return o;
}

function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (k === null || k === undefined) return 'null';
  if (typeof k === 'object') return goJSON(toValue(k));
  return String(k);
}

export function parseYAML(text: string): Value {
  const docs = parseAllDocuments(text, {
    version: '1.1',
    uniqueKeys: false,
    intAsBigInt: true,
    // Timestamps stay strings, as in go-yaml's decoding into interface{} via JSON.
    customTags: (tags) => tags.filter((t) => typeof t !== 'object' || !('tag' in t) || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const doc = Array.isArray(docs) ? docs[0] : docs;
  if (!doc) return null;
  if (doc.errors.length > 0) throw new YAMLParseError(goYAMLMessage(doc.errors[0]!));
  return toValue(doc.toJS({ mapAsMap: true, maxAliasCount: 10000 }));
}

/** Go's yaml.Marshal of JSON-shaped data (sets are arrays, as ast.JSON makes them). */
export function marshalYAML(v: Value): string {
  // Round-trip through JSON as OPA does (sets become arrays, keys become strings).
  const doc = new Document(toPlain(parseGoJSON(goJSON(v))), { version: '1.1', sortMapEntries: true });
  // go-yaml double-quotes strings that would read back as another type (true, 1.5, null,
  // dates); other strings that cannot be plain get single quotes.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && readsAsNonString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false, singleQuote: true });
}

function readsAsNonString(s: string): boolean {
  if (s === '' || /^(~|null|Null|NULL)$/.test(s)) return true;
  let parsed: unknown;
  try {
    parsed = parse(s, { version: '1.1' });
  } catch {
    return false;
  }
  return typeof parsed === 'boolean' || typeof parsed === 'number' || typeof parsed === 'bigint' || parsed instanceof Date;
}

function toPlain(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof RObject) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v.entries()) out[String(k)] = toPlain(val);
    return out;
  }
  return v.values().map(toPlain);
}

export const yamlBuiltins: BuiltinDef[] = [
  {
    name: 'yaml.marshal',
    arity: 1,
    impl: (args) => marshalYAML(args[0]!),
  },
  {
    name: 'yaml.unmarshal',
    arity: 1,
    impl: (args) => {
      const text = stringArg('yaml.unmarshal', args, 0);
      try {
        return parseYAML(text);
      } catch (e) {
        if (e instanceof YAMLParseError) throw builtinError('yaml.unmarshal', e.message);
        throw e;
      }
    },
  },
  {
    name: 'yaml.is_valid',
    arity: 1,
    impl: (args) => {
      const text = args[0];
      if (typeof text !== 'string') return false;
      try {
        parseYAML(text);
        return true;
      } catch {
        return false;
      }
    },
  },
];
