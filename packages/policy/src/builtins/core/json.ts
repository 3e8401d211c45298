// json.marshal, json.marshal_with_options, json.unmarshal, json.is_valid, json.filter,
// json.remove and json.patch (RFC 6902, extended by OPA to sets and non-string path segments).

import { equals, RObject, RSet, typeName, type Value } from '../../value.ts';
import type { BuiltinContext, BuiltinDef } from '../types.ts';
import { charge, mustPropagate, textUnits } from '../work.ts';
import { goJSON, isValidGoJSON, JSONSyntaxError, parseGoJSON } from './gojson.ts';
import { arr, def, fail, obj, operandError, str, typeError } from './helpers.ts';
import { filterValue } from './objects.ts';
import { regoString } from './sprintf.ts';

function marshalWithOptions([v, o]: Value[], ctx: BuiltinContext): Value {
  const name = 'json.marshal_with_options';
  const opts = obj(name, o!, 2);
  let indent = '\t';
  let prefix = '';
  let implicitPretty = false;
  let explicitPretty: boolean | undefined;
  opts.keys().forEach((k, idx) => {
    const val = opts.get(k)!;
    if (typeof k !== 'string') {
      throw operandError(name, 2, `failed to stringify key ${regoString(k)} at index ${idx}: operand ${idx} must be string but got ${typeName(k)}`);
    }
    switch (k) {
      case 'prefix':
      case 'indent':
        if (typeof val !== 'string') {
          throw operandError(name, 2, `key ${regoString(k)} failed cast to string: operand ${idx} must be string but got ${typeName(val)}`);
        }
        if (k === 'prefix') prefix = val;
        else indent = val;
        implicitPretty = true;
        break;
      case 'pretty':
        if (typeof val !== 'boolean') throw operandError(name, 2, `key ${regoString(k)} failed cast to bool`);
        explicitPretty = val;
        break;
      default:
        throw operandError(name, 2, `object contained unknown key ${regoString(k)}`);
    }
  });
  const pretty = explicitPretty ?? implicitPretty;
  // MarshalIndent does not prefix the first line; OPA adds it.
  return pretty ? prefix + goJSON(v!, { prefix, indent }, 0, ctx) : goJSON(v!, undefined, 0, ctx);
}

function unmarshal([s]: Value[], ctx: BuiltinContext): Value {
  const name = 'json.unmarshal';
  const text = str(name, s!, 1);
  charge(ctx, textUnits(text));
  try {
    return parseGoJSON(text, text.trim() === '' ? 'EOF' : 'unexpected EOF');
  } catch (e) {
    if (e instanceof JSONSyntaxError) throw fail(name, e.message);
    throw e;
  }
}

function isValid([s]: Value[]): Value {
  return typeof s === 'string' && isValidGoJSON(s);
}

// ---------------------------------------------------------------------------------------------
// Paths: "a/b/c" (JSON-pointer style, `~1` and `~0` escapes, leading slashes optional) or an
// array of segments of any type.

class PathError extends Error {}

function parsePath(name: string, p: Value): Value[] {
  if (typeof p === 'string') {
    if (p === '') return [];
    return p
      .replace(/^\/+/, '')
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  if (Array.isArray(p)) return p;
  throw operandError(
    name,
    2,
    `must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`,
  );
}

function jsonPaths(name: string, v: Value): Value[][] {
  if (Array.isArray(v)) return v.map((p) => parsePath(name, p));
  if (v instanceof RSet) return v.values().map((p) => parsePath(name, p));
  throw typeError(name, 2, v, 'set', 'array');
}

/** Builds the filter tree: nested objects whose leaves are null ("take everything below"). */
function pathsToObject(paths: Value[][]): RObject {
  const root = new RObject();
  for (const path of paths) {
    if (path.length === 0) continue;
    let node = root;
    let done = false;
    for (let i = 0; i < path.length - 1 && !done; i++) {
      const child = node.get(path[i]!);
      if (child === undefined) {
        const o = new RObject();
        node.set(path[i]!, o);
        node = o;
      } else if (child === null) {
        done = true;
      } else {
        node = child as RObject;
      }
    }
    if (!done) node.set(path[path.length - 1]!, null);
  }
  return root;
}

function jsonFilter([o, p]: Value[], ctx: BuiltinContext): Value {
  const name = 'json.filter';
  const target = obj(name, o!, 1);
  const paths = jsonPaths(name, p!);
  charge(ctx, paths.length);
  return filterValue(target, pathsToObject(paths), ctx);
}

/** Drops what the filter tree's null leaves point at; arrays close up. */
function removeValue(a: Value, b: Value | undefined, ctx: BuiltinContext): Value | undefined {
  if (b === undefined) return a;
  if (b === null) return undefined;
  if (!(b instanceof RObject)) return a;
  if (a instanceof RObject) {
    charge(ctx, a.size);
    const out = new RObject();
    for (const [k, v] of a.entries()) {
      const r = removeValue(v, b.get(k), ctx);
      if (r !== undefined) out.set(k, r);
    }
    return out;
  }
  if (a instanceof RSet) {
    charge(ctx, a.size);
    const out = new RSet();
    for (const v of a.values()) {
      const r = removeValue(v, b.get(v), ctx);
      if (r !== undefined) out.add(r);
    }
    return out;
  }
  if (Array.isArray(a)) {
    charge(ctx, a.length);
    const out: Value[] = [];
    a.forEach((v, i) => {
      const r = removeValue(v, b.get(String(i)), ctx);
      if (r !== undefined) out.push(r);
    });
    return out;
  }
  return a;
}

function jsonRemove([o, p]: Value[], ctx: BuiltinContext): Value | undefined {
  const name = 'json.remove';
  const target = obj(name, o!, 1);
  const paths = jsonPaths(name, p!);
  charge(ctx, paths.length);
  return removeValue(target, pathsToObject(paths), ctx);
}

// ---------------------------------------------------------------------------------------------
// json.patch. Values are immutable, so each operation rebuilds the spine of the document.

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

function arrayIndex(seg: Value, length: number, allowEnd: boolean): number {
  let i: number;
  if (typeof seg === 'string') {
    if (allowEnd && seg === '-') return length;
    if (!ARRAY_INDEX.test(seg)) throw new PathError(`invalid array index ${seg}`);
    i = Number(seg);
  } else if (typeof seg === 'number' && Number.isInteger(seg)) {
    i = seg;
  } else {
    throw new PathError('invalid array index');
  }
  if (i < 0 || i > length || (!allowEnd && i === length)) throw new PathError('index out of bounds');
  return i;
}

function child(doc: Value, seg: Value): Value {
  if (doc instanceof RObject) {
    const v = doc.get(seg);
    if (v === undefined) throw new PathError('missing key');
    return v;
  }
  if (Array.isArray(doc)) return doc[arrayIndex(seg, doc.length, false)]!;
  if (doc instanceof RSet) {
    if (!doc.has(seg)) throw new PathError('missing set element');
    return seg;
  }
  throw new PathError('cannot descend into a scalar');
}

function withChild(doc: Value, seg: Value, replacement: Value): Value {
  if (doc instanceof RObject) return RObject.from([...doc.entries()]).set(seg, replacement);
  if (Array.isArray(doc)) {
    const out = [...doc];
    out[arrayIndex(seg, doc.length, false)] = replacement;
    return out;
  }
  if (doc instanceof RSet) {
    const out = new RSet();
    for (const v of doc.values()) out.add(equals(v, seg) ? replacement : v);
    return out;
  }
  throw new PathError('cannot descend into a scalar');
}

/** Applies `edit` to the parent of the path's last segment. */
function atParent(doc: Value, path: Value[], edit: (parent: Value, last: Value) => Value): Value {
  if (path.length === 1) return edit(doc, path[0]!);
  const seg = path[0]!;
  return withChild(doc, seg, atParent(child(doc, seg), path.slice(1), edit));
}

function insertAt(doc: Value, path: Value[], value: Value): Value {
  if (path.length === 0) return value;
  return atParent(doc, path, (parent, key) => {
    if (parent instanceof RObject) return RObject.from([...parent.entries()]).set(key, value);
    if (Array.isArray(parent)) {
      const out = [...parent];
      out.splice(arrayIndex(key, parent.length, true), 0, value);
      return out;
    }
    if (parent instanceof RSet) {
      if (!equals(key, value)) throw new PathError('set element must equal the path segment');
      return RSet.from([...parent.values(), value]);
    }
    throw new PathError('cannot insert into a scalar');
  });
}

function deleteAt(doc: Value, path: Value[]): Value {
  if (path.length === 0) throw new PathError('cannot remove the document root');
  return atParent(doc, path, (parent, key) => {
    if (parent instanceof RObject) {
      if (!parent.has(key)) throw new PathError('missing key');
      return RObject.from(parent.entries().filter(([k]) => !equals(k, key)));
    }
    if (Array.isArray(parent)) {
      const out = [...parent];
      out.splice(arrayIndex(key, parent.length, false), 1);
      return out;
    }
    if (parent instanceof RSet) {
      if (!parent.has(key)) throw new PathError('missing set element');
      return RSet.from(parent.values().filter((v) => !equals(v, key)));
    }
    throw new PathError('cannot remove from a scalar');
  });
}

function renderAt(doc: Value, path: Value[]): Value {
  let cur = doc;
  for (const seg of path) cur = child(cur, seg);
  return cur;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function applyPatch(doc: Value, op: Value): Value {
  if (!(op instanceof RObject)) throw new PathError('patch operation is not an object');
  const attr = (k: string): Value => {
    const v = op.get(k);
    if (v === undefined) throw new PathError(`missing '${k}' attribute`);
    return v;
  };
  const kind = attr('op');
  if (typeof kind !== 'string' || !OPS.has(kind)) throw new PathError('bad op');
  const path = parsePath('json.patch', attr('path'));
  switch (kind) {
    case 'add':
      return insertAt(doc, path, attr('value'));
    case 'remove':
      return deleteAt(doc, path);
    case 'replace': {
      const value = attr('value');
      return path.length === 0 ? value : insertAt(deleteAt(doc, path), path, value);
    }
    case 'move': {
      const from = parsePath('json.patch', attr('from'));
      const chunk = renderAt(doc, from);
      return insertAt(deleteAt(doc, from), path, chunk);
    }
    case 'copy': {
      const from = parsePath('json.patch', attr('from'));
      return insertAt(doc, path, renderAt(doc, from));
    }
    default: {
      const value = attr('value');
      if (!equals(renderAt(doc, path), value)) throw new PathError('test failed');
      return doc;
    }
  }
}

/**
 * Any failing operation makes the whole patch undefined, as in OPA. Each operation copies the
 * containers along its path, so it is charged by the size of the document's top level.
 */
function jsonPatch([doc, ops]: Value[], ctx: BuiltinContext): Value | undefined {
  const name = 'json.patch';
  const operations = arr(name, ops!, 2);
  let out: Value = doc as Value;
  try {
    for (const op of operations) {
      charge(ctx, 1 + containerSize(out));
      out = applyPatch(out, op);
    }
  } catch (e) {
    if (mustPropagate(e)) throw e;
    return undefined; // OPA drops every patch error (bad path, failed test, malformed op)
  }
  return out;
}

function containerSize(v: Value): number {
  if (Array.isArray(v)) return v.length;
  if (v instanceof RObject || v instanceof RSet) return v.size;
  return 0;
}

export const jsonBuiltins: BuiltinDef[] = [
  def('json.marshal', 1, ([v], ctx) => goJSON(v!, undefined, 0, ctx)),
  def('json.marshal_with_options', 2, marshalWithOptions),
  def('json.unmarshal', 1, unmarshal),
  def('json.is_valid', 1, isValid),
  def('json.filter', 2, jsonFilter),
  def('json.remove', 2, jsonRemove),
  def('json.patch', 2, jsonPatch),
];
