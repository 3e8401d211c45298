import type { BuiltinDef } from '../types.ts';
import { charge } from '../work.ts';
import { RObject, RSet, formatNumber, type Value } from '../../value.ts';
import { builtinError } from './args.ts';
import { goJSON, isValidGoJSON, parseGoJSON } from '../core/gojson.ts';

// json.verify_schema / json.match_schema: JSON Schema draft 4/6/7 with the behaviour and messages
// of the gojsonschema fork OPA embeds (hybrid draft when $schema is absent, "(root)" contexts,
// error objects {error, type, field, desc}).

class SchemaError extends Error {}

type Draft = 4 | 6 | 7 | 0; // 0 = hybrid
const TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

interface Sub {
  pass?: boolean;
  ref?: string;
  refSchema?: Sub;
  types: string[];
  properties: [string, Sub][];
  additionalProperties?: boolean | Sub;
  patternProperties: [RegExp, Sub][];
  propertyNames?: Sub;
  dependencies: Map<string, string[] | Sub>;
  items: Sub[];
  itemsSingle: boolean;
  additionalItems?: boolean | Sub;
  multipleOf?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  patternSource?: string;
  format?: string;
  minProperties?: number;
  maxProperties?: number;
  required: string[];
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  contains?: Sub;
  constValue?: string;
  enumValues?: string[];
  anyOf: Sub[];
  oneOf: Sub[];
  allOf: Sub[];
  not?: Sub;
  if?: Sub;
  then?: Sub;
  else?: Sub;
}

const invalidType = (expected: string, given: string) => new SchemaError(`Invalid type. Expected: ${expected}, given: ${given}`);
const mustBeOf = (x: string, y: string) => new SchemaError(`${x} must be of ${/^[aeiou]/.test(y) ? 'an' : 'a'} ${y}`);

const isNum = (v: Value): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';
const isInt = (v: Value) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));

/** gojsonschema's marshalWithoutNumber: JSON text where 1 and 1.0 compare equal. */
const canonical = (v: Value) => goJSON(v);

function newSub(): Sub {
  return { types: [], properties: [], patternProperties: [], dependencies: new Map(), items: [], itemsSingle: false, required: [], uniqueItems: false, anyOf: [], oneOf: [], allOf: [] };
}

function compileRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(source, 'u');
  } catch {
    return undefined;
  }
}

class Compiler {
  private readonly refs: { sub: Sub; ref: string }[] = [];
  private readonly resolved = new Map<string, Sub>();
  constructor(
    readonly root: Value,
    readonly draft: Draft,
  ) {}

  compile(): Sub {
    const sub = this.parse(this.root, this.draft);
    for (const { sub: s, ref } of this.refs) s.refSchema = this.resolve(ref);
    return sub;
  }

  private resolve(ref: string): Sub {
    const cached = this.resolved.get(ref);
    if (cached) return cached;
    // Register a placeholder first so recursive references terminate.
    const target = newSub();
    this.resolved.set(ref, target);
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    if (base !== '') throw new SchemaError(`References to remote schemas are not supported: ${ref}`);
    const pointer = hash < 0 ? '' : decodeURIComponent(ref.slice(hash + 1));
    let node: Value | undefined = this.root;
    for (const raw of pointer.split('/').slice(1)) {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node instanceof RObject) node = node.get(seg);
      else if (Array.isArray(node)) node = node[Number(seg)];
      else node = undefined;
      if (node === undefined) throw new SchemaError(`Object has no key '${seg}'`);
    }
    return Object.assign(target, this.parse(node, this.draft, true));
  }

  private parse(node: Value, draft: Draft, fromRef = false): Sub {
    const s = newSub();
    if (draft !== 4 && typeof node === 'boolean') {
      s.pass = node;
      return s;
    }
    if (!(node instanceof RObject)) throw new SchemaError('Invalid JSON, expected schema');
    const m = node;
    const get = (k: string) => m.get(k);
    const str = (k: string): string | undefined => {
      const v = get(k);
      if (v === undefined) return undefined;
      if (typeof v !== 'string') throw invalidType('string', k);
      return v;
    };
    const child = (v: Value) => this.parse(v, draft);
    const schemaLike = (v: Value) => v instanceof RObject || typeof v === 'boolean';

    const defs = get('definitions');
    if (defs !== undefined) {
      if (!(defs instanceof RObject)) throw invalidType('array of schemas', 'definitions');
      for (const d of defs.values()) {
        if (!schemaLike(d)) throw invalidType('array of schemas', 'definitions');
        child(d);
      }
    }
    str('title');
    str('description');
    const ref = str('$ref');
    if (ref !== undefined && !fromRef) {
      s.ref = ref;
      this.refs.push({ sub: s, ref });
      return s;
    }

    const typ = get('type');
    if (typ !== undefined) {
      const add = (t: string) => {
        if (!TYPES.includes(t)) {
          throw new SchemaError(`has a primitive type that is NOT VALID -- given: /${t}/ Expected valid values are:[${TYPES.join(' ')}]`);
        }
        if (s.types.includes(t)) throw new SchemaError(`${t} type is duplicated`);
        s.types.push(t);
      };
      if (typeof typ === 'string') add(typ);
      else if (Array.isArray(typ)) {
        for (const t of typ) {
          if (typeof t !== 'string') throw invalidType('type', 'string/array of strings');
          add(t);
        }
      } else throw invalidType('type', 'string/array of strings');
    }

    const props = get('properties');
    if (props !== undefined) {
      if (!(props instanceof RObject)) throw invalidType('properties', 'object');
      for (const [k, v] of props.entries()) {
        if (!schemaLike(v)) throw invalidType('schema', 'property');
        s.properties.push([String(k), child(v)]);
      }
    }
    const ap = get('additionalProperties');
    if (ap !== undefined) {
      if (typeof ap === 'boolean') s.additionalProperties = ap;
      else if (ap instanceof RObject) s.additionalProperties = child(ap);
      else throw invalidType('boolean/schema', 'additionalProperties');
    }
    const pp = get('patternProperties');
    if (pp !== undefined) {
      if (!(pp instanceof RObject)) throw invalidType('object', 'patternProperties');
      for (const [k, v] of pp.entries()) {
        const re = compileRegex(String(k));
        if (!re) throw new SchemaError(`Invalid regex pattern '${String(k)}'`);
        s.patternProperties.push([re, child(v)]);
      }
    }
    const pn = get('propertyNames');
    if (pn !== undefined && draft !== 4) {
      if (!schemaLike(pn)) throw new SchemaError('Invalid type. Expected: schema, given: patternProperties');
      s.propertyNames = child(pn);
    }
    const deps = get('dependencies');
    if (deps !== undefined) {
      if (!(deps instanceof RObject)) throw invalidType('object', 'dependencies');
      for (const [k, v] of deps.entries()) {
        if (Array.isArray(v)) {
          if (!v.every((x) => typeof x === 'string')) throw invalidType('schema or array of strings', 'dependency');
          s.dependencies.set(String(k), v as string[]);
        } else if (schemaLike(v)) s.dependencies.set(String(k), child(v));
        else throw invalidType('schema or array of strings', 'dependency');
      }
    }
    const items = get('items');
    if (items !== undefined) {
      if (Array.isArray(items)) {
        for (const it of items) {
          if (!schemaLike(it)) throw invalidType('schema/array of schemas', 'items');
          s.items.push(child(it));
        }
      } else if (schemaLike(items)) {
        s.items.push(child(items));
        s.itemsSingle = true;
      } else throw invalidType('schema/array of schemas', 'items');
    }
    const ai = get('additionalItems');
    if (ai !== undefined) {
      if (typeof ai === 'boolean') s.additionalItems = ai;
      else if (ai instanceof RObject) s.additionalItems = child(ai);
      else throw invalidType('boolean/schema', 'additionalItems');
    }

    const mo = get('multipleOf');
    if (mo !== undefined) {
      if (!isNum(mo)) throw invalidType('number', 'multipleOf');
      if (Number(mo) <= 0) throw new SchemaError('multipleOf must be strictly greater than 0');
      s.multipleOf = Number(mo);
    }
    const num = (k: string) => {
      const v = get(k);
      if (v === undefined) return undefined;
      if (!isNum(v)) throw mustBeOf(k, 'number');
      return Number(v);
    };
    s.minimum = num('minimum');
    s.maximum = num('maximum');
    for (const [key, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      const v = get(key);
      if (v === undefined) continue;
      const exKey = key === 'exclusiveMinimum' ? 'exclusiveMinimum' : 'exclusiveMaximum';
      if (typeof v === 'boolean' && draft !== 6 && draft !== 7) {
        if (s[bound] === undefined) throw new SchemaError(`${key} cannot be used without ${bound}`);
        if (v) {
          s[exKey] = s[bound];
          s[bound] = undefined;
        }
      } else if (isNum(v) && draft !== 4) s[exKey] = Number(v);
      else throw invalidType(draft === 4 ? 'boolean' : draft === 0 ? 'boolean/number' : 'number', key);
    }
    const nonNegInt = (k: string) => {
      const v = get(k);
      if (v === undefined) return undefined;
      if (!isNum(v) || !isInt(v)) throw mustBeOf(k, 'integer');
      if (Number(v) < 0) throw new SchemaError(`${k} must be greater than or equal to 0`);
      return Number(v);
    };
    s.minLength = nonNegInt('minLength');
    s.maxLength = nonNegInt('maxLength');
    if (s.minLength !== undefined && s.maxLength !== undefined && s.minLength > s.maxLength) {
      throw new SchemaError('minLength cannot be greater than maxLength');
    }
    const pattern = str('pattern');
    if (pattern !== undefined) {
      const re = compileRegex(pattern);
      if (!re) throw new SchemaError('pattern must be a valid regex');
      s.pattern = re;
      s.patternSource = pattern;
    }
    s.format = str('format');
    s.minProperties = nonNegInt('minProperties');
    s.maxProperties = nonNegInt('maxProperties');
    if (s.minProperties !== undefined && s.maxProperties !== undefined && s.minProperties > s.maxProperties) {
      throw new SchemaError('minProperties cannot be greater than maxProperties');
    }
    const req = get('required');
    if (req !== undefined) {
      if (!Array.isArray(req)) throw mustBeOf('required', 'array');
      const seen = new Set<string>();
      for (const r of req) {
        if (typeof r !== 'string') throw new SchemaError('required items must be string');
        if (seen.has(r)) throw new SchemaError('required items must be unique');
        seen.add(r);
        s.required.push(r);
      }
    }
    s.minItems = nonNegInt('minItems');
    s.maxItems = nonNegInt('maxItems');
    if (s.minItems !== undefined && s.maxItems !== undefined && s.minItems > s.maxItems) {
      throw new SchemaError('minItems cannot be greater than maxItems');
    }
    const ui = get('uniqueItems');
    if (ui !== undefined) {
      if (typeof ui !== 'boolean') throw mustBeOf('uniqueItems', 'boolean');
      s.uniqueItems = ui;
    }
    const contains = get('contains');
    if (contains !== undefined && draft !== 4) {
      if (!schemaLike(contains)) throw invalidType('schema', 'contains');
      s.contains = child(contains);
    }
    const cst = get('const');
    if (cst !== undefined && draft !== 4) s.constValue = canonical(cst);
    const en = get('enum');
    if (en !== undefined) {
      if (!Array.isArray(en)) throw mustBeOf('enum', 'array');
      const vals = en.map(canonical);
      if (new Set(vals).size !== vals.length) throw new SchemaError('enum items must be unique');
      s.enumValues = vals;
    }
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const v = get(key);
      if (v === undefined) continue;
      if (!Array.isArray(v)) throw mustBeOf(key, 'array');
      for (const x of v) {
        if (!schemaLike(x)) throw mustBeOf(key, 'array');
        s[key].push(child(x));
      }
    }
    const not = get('not');
    if (not !== undefined) {
      if (!schemaLike(not)) throw mustBeOf('not', 'object');
      s.not = child(not);
    }
    if (draft === 7 || draft === 0) {
      for (const key of ['if', 'then', 'else'] as const) {
        const v = get(key);
        if (v === undefined) continue;
        if (!schemaLike(v)) throw mustBeOf(key, 'object');
        s[key] = child(v);
      }
    }
    return s;
  }
}

function draftOf(schema: Value): Draft {
  if (!(schema instanceof RObject)) return 0;
  const id = schema.get('$schema');
  if (typeof id !== 'string') return 0;
  if (/draft-04/.test(id)) return 4;
  if (/draft-06/.test(id)) return 6;
  if (/draft-07/.test(id)) return 7;
  return 0;
}

export function compileSchema(schema: Value): Sub {
  return new Compiler(schema, draftOf(schema)).compile();
}

// ---------------------------------------------------------------------------------------------
// Validation

interface ResultError {
  type: string;
  context: string[];
  description: string;
}

class Result {
  errors: ResultError[] = [];
  score = 0;
  get valid() {
    return this.errors.length === 0;
  }
  add(type: string, context: string[], description: string) {
    this.errors.push({ type, context, description });
    this.score -= 2;
  }
  merge(other: Result | undefined) {
    if (!other) return;
    this.errors.push(...other.errors);
    this.score += other.score;
  }
}

const fieldOf = (ctx: string[]) => (ctx.length === 1 ? ctx[0]! : ctx.slice(1).join('.'));
/** Go's big.Float %v: up to 10 significant digits, shortest form. */
const fmtNum = (n: number) => {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return formatNumber(n);
  // Go writes exponents with at least two digits (1e-07).
  return Number(n.toPrecision(10)).toString().replace(/e([+-])(\d)$/, 'e$10$2');
};

const valueType = (v: Value): string => {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (isNum(v)) return isInt(v) ? 'integer' : 'number';
  if (Array.isArray(v) || v instanceof RSet) return 'array';
  return 'object';
};
const typesString = (types: string[]) => (types.length === 0 ? 'undefined' : types.join('/'));

const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s.toUpperCase())),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s + 'T00:00:00Z')),
  time: (s) => /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  'idn-email': (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  hostname: (s) => s.length <= 255 && /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/.test(s),
  ipv4: (s) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s),
  ipv6: (s) => s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s) && isIPv6(s),
  uri: (s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(s),
  'uri-reference': (s) => !/\s/.test(s),
  iri: (s) => /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/u.test(s),
  'iri-reference': (s) => !/\s/.test(s),
  uuid: (s) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s),
  regex: (s) => compileRegex(s) !== undefined,
  'json-pointer': (s) => /^(\/([^~/]|~[01])*)*$/.test(s),
  'relative-json-pointer': (s) => /^\d+(#|(\/([^~/]|~[01])*)*)$/.test(s),
};

function isIPv6(s: string): boolean {
  try {
    return new URL(`http://[${s}]/`).hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * Work counter of the json.match_schema call in progress (validation is synchronous). anyOf,
 * oneOf and nested schemas can validate the same node many times, so every visit is charged.
 */
let chargeWork: (units: number) => void = () => {};

function validate(sub: Sub, node: Value, result: Result, ctx: string[]): void {
  chargeWork(1);
  if (sub.pass !== undefined) {
    if (!sub.pass) result.add('false', ctx, 'False always fails validation');
    return;
  }
  if (sub.refSchema) {
    validate(sub.refSchema, node, result, ctx);
    return;
  }
  const kind = valueType(node);
  if (sub.types.length > 0) {
    const ok = kind === 'integer' ? sub.types.includes('integer') || sub.types.includes('number') : sub.types.includes(kind);
    if (!ok) {
      result.add('invalid_type', ctx, `Invalid type. Expected: ${typesString(sub.types)}, given: ${kind}`);
      return;
    }
  }
  validateSchema(sub, node, result, ctx);
  if (isNum(node)) validateNumber(sub, node, result, ctx);
  if (Array.isArray(node)) validateArray(sub, node, result, ctx);
  if (node instanceof RObject) validateObject(sub, node, result, ctx);
  validateCommon(sub, node, result, ctx);
  if (typeof node === 'string') validateString(sub, node, result, ctx);
  if (node instanceof RObject) {
    for (const [name, ps] of sub.properties) {
      const next = node.get(name);
      if (next !== undefined) validate(ps, next, result, [...ctx, name]);
    }
  }
  result.score++;
}

function sub(s: Sub, node: Value, ctx: string[]): Result {
  const r = new Result();
  validate(s, node, r, ctx);
  return r;
}

function validateSchema(s: Sub, node: Value, result: Result, ctx: string[]) {
  if (s.anyOf.length) {
    let best: Result | undefined;
    let ok = false;
    for (const a of s.anyOf) {
      const r = sub(a, node, ctx);
      if (r.valid) {
        ok = true;
        break;
      }
      if (!best || r.score > best.score) best = r;
    }
    if (!ok) {
      result.add('number_any_of', ctx, 'Must validate at least one schema (anyOf)');
      result.merge(best);
    }
  }
  if (s.oneOf.length) {
    let n = 0;
    let best: Result | undefined;
    for (const o of s.oneOf) {
      const r = sub(o, node, ctx);
      if (r.valid) n++;
      else if (n === 0 && (!best || r.score > best.score)) best = r;
    }
    if (n !== 1) {
      result.add('number_one_of', ctx, 'Must validate one and only one schema (oneOf)');
      if (n === 0) result.merge(best);
    }
  }
  if (s.allOf.length) {
    let n = 0;
    for (const a of s.allOf) {
      const r = sub(a, node, ctx);
      if (r.valid) n++;
      result.merge(r);
    }
    if (n !== s.allOf.length) result.add('number_all_of', ctx, 'Must validate all the schemas (allOf)');
  }
  if (s.not && sub(s.not, node, ctx).valid) result.add('number_not', ctx, 'Must not validate the schema (not)');
  if (s.dependencies.size && node instanceof RObject) {
    for (const key of node.keys()) {
      const dep = s.dependencies.get(String(key));
      if (!dep) continue;
      if (Array.isArray(dep)) {
        for (const d of dep) if (!node.has(d)) result.add('missing_dependency', ctx, `Has a dependency on ${d}`);
      } else validate(dep, node, result, ctx);
    }
  }
  if (s.if) {
    const cond = sub(s.if, node, ctx).valid;
    if (cond && s.then) {
      const r = sub(s.then, node, ctx);
      if (!r.valid) {
        result.add('condition_then', ctx, 'Must validate "then" as "if" was valid');
        result.merge(r);
      }
    }
    if (!cond && s.else) {
      const r = sub(s.else, node, ctx);
      if (!r.valid) {
        result.add('condition_else', ctx, 'Must validate "else" as "if" was not valid');
        result.merge(r);
      }
    }
  }
  result.score++;
}

function validateCommon(s: Sub, node: Value, result: Result, ctx: string[]) {
  const field = fieldOf(ctx);
  if (s.constValue !== undefined && canonical(node) !== s.constValue) {
    result.add('const', ctx, `${field} does not match: ${s.constValue}`);
  }
  if (s.enumValues !== undefined && !s.enumValues.includes(canonical(node))) {
    const allowed = s.enumValues.length ? s.enumValues.join(', ') : '(none)';
    result.add('enum', ctx, `${field} must be one of the following: ${allowed}`);
  }
  if (s.format !== undefined && typeof node === 'string') {
    const check = FORMATS[s.format];
    if (check && !check(node)) result.add('format', ctx, `Does not match format '${s.format}'`);
  }
  result.score++;
}

function validateArray(s: Sub, arr: Value[], result: Result, ctx: string[]) {
  if (s.itemsSingle) {
    arr.forEach((v, i) => result.merge(sub(s.items[0]!, v, [...ctx, String(i)])));
  } else if (s.items.length) {
    for (let i = 0; i < s.items.length && i < arr.length; i++) result.merge(sub(s.items[i]!, arr[i]!, [...ctx, String(i)]));
    if (s.items.length < arr.length) {
      if (s.additionalItems === false) result.add('array_no_additional_items', ctx, 'No additional items allowed on array');
      else if (s.additionalItems && typeof s.additionalItems === 'object') {
        for (let i = s.items.length; i < arr.length; i++) result.merge(sub(s.additionalItems, arr[i]!, [...ctx, String(i)]));
      }
    }
  }
  if (s.minItems !== undefined && arr.length < s.minItems) result.add('array_min_items', ctx, `Array must have at least ${s.minItems} items`);
  if (s.maxItems !== undefined && arr.length > s.maxItems) result.add('array_max_items', ctx, `Array must have at most ${s.maxItems} items`);
  if (s.uniqueItems) {
    const seen = new Map<string, number>();
    arr.forEach((v, j) => {
      const k = canonical(v);
      const i = seen.get(k);
      if (i !== undefined) result.add('unique', ctx, `array items[${i},${j}] must be unique`);
      seen.set(k, j);
    });
  }
  if (s.contains) {
    let ok = false;
    let best: Result | undefined;
    for (let i = 0; i < arr.length; i++) {
      const r = sub(s.contains, arr[i]!, [...ctx, String(i)]);
      if (r.valid) {
        ok = true;
        break;
      }
      if (!best || r.score > best.score) best = r;
    }
    if (!ok) {
      result.add('contains', ctx, 'At least one of the items must match');
      result.merge(best);
    }
  }
  result.score++;
}

function validateObject(s: Sub, obj: RObject, result: Result, ctx: string[]) {
  if (s.minProperties !== undefined && obj.size < s.minProperties) result.add('array_min_properties', ctx, `Must have at least ${s.minProperties} properties`);
  if (s.maxProperties !== undefined && obj.size > s.maxProperties) result.add('array_max_properties', ctx, `Must have at most ${s.maxProperties} properties`);
  for (const r of s.required) {
    if (obj.has(r)) result.score++;
    else result.add('required', ctx, `${r} is required`);
  }
  for (const [k, v] of obj.entries()) {
    const key = String(k);
    const found = s.properties.some(([name]) => name === key);
    let ppMatch = false;
    for (const [re, ps] of s.patternProperties) {
      if (re.test(key)) {
        ppMatch = true;
        result.merge(sub(ps, v, [...ctx, key]));
      }
    }
    if (ppMatch) result.score++;
    if (!found && !ppMatch) {
      if (s.additionalProperties === false) result.add('additional_property_not_allowed', ctx, `Additional property ${key} is not allowed`);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') result.merge(sub(s.additionalProperties, v, [...ctx, key]));
    }
  }
  if (s.propertyNames) {
    for (const k of obj.keys()) {
      const r = sub(s.propertyNames, String(k), ctx);
      if (!r.valid) {
        result.add('invalid_property_name', ctx, `Property name of "${String(k)}" does not match`);
        result.merge(r);
      }
    }
  }
  result.score++;
}

function validateString(s: Sub, str: string, result: Result, ctx: string[]) {
  const len = [...str].length;
  if (s.minLength !== undefined && len < s.minLength) result.add('string_gte', ctx, `String length must be greater than or equal to ${s.minLength}`);
  if (s.maxLength !== undefined && len > s.maxLength) result.add('string_lte', ctx, `String length must be less than or equal to ${s.maxLength}`);
  if (s.pattern && !s.pattern.test(str)) result.add('pattern', ctx, `Does not match pattern '${s.patternSource}'`);
  result.score++;
}

function validateNumber(s: Sub, n: number | bigint, result: Result, ctx: string[]) {
  const v = Number(n);
  if (s.multipleOf !== undefined) {
    const q = v / s.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9 * Math.max(1, Math.abs(q))) result.add('multiple_of', ctx, `Must be a multiple of ${fmtNum(s.multipleOf)}`);
  }
  if (s.maximum !== undefined && v > s.maximum) result.add('number_lte', ctx, `Must be less than or equal to ${fmtNum(s.maximum)}`);
  if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) result.add('number_lt', ctx, `Must be less than ${fmtNum(s.exclusiveMaximum)}`);
  if (s.minimum !== undefined && v < s.minimum) result.add('number_gte', ctx, `Must be greater than or equal to ${fmtNum(s.minimum)}`);
  if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) result.add('number_gt', ctx, `Must be greater than ${fmtNum(s.exclusiveMinimum)}`);
  result.score++;
}

export function validateDocument(schema: Sub, doc: Value): { valid: boolean; errors: Value[] } {
  const r = sub(schema, doc, ['(root)']);
  const errors = r.errors.map((e) => {
    const field = fieldOf(e.context);
    return RObject.fromRecord({ error: `${field}: ${e.description}`, type: e.type, field, desc: e.description });
  });
  return { valid: r.valid, errors };
}

// ---------------------------------------------------------------------------------------------

class LoaderError extends Error {}

/** OPA's astValueToJSONSchemaLoader: a JSON string, or an object/array used as is. */
function load(v: Value): Value {
  if (typeof v === 'string') {
    if (!isValidGoJSON(v)) throw new LoaderError('invalid JSON string');
    return parseGoJSON(v);
  }
  if (v instanceof RObject || Array.isArray(v)) return v;
  throw new LoaderError('wrong type, expected string or object');
}

export const jsonSchemaBuiltins: BuiltinDef[] = [
  {
    name: 'json.verify_schema',
    arity: 1,
    impl: (args) => {
      try {
        compileSchema(load(args[0]!));
        return [true, null];
      } catch (e) {
        if (e instanceof LoaderError || e instanceof SchemaError) return [false, 'jsonschema: ' + e.message];
        throw e;
      }
    },
  },
  {
    name: 'json.match_schema',
    arity: 2,
    impl: (args, bctx) => {
      const name = 'json.match_schema';
      const saved = chargeWork;
      chargeWork = (units) => charge(bctx, units);
      try {
        const doc = load(args[0]!);
        const schema = compileSchema(load(args[1]!));
        const { valid, errors } = validateDocument(schema, doc);
        return [valid, errors];
      } catch (e) {
        if (e instanceof LoaderError || e instanceof SchemaError) throw builtinError(name, e.message);
        throw e;
      } finally {
        chargeWork = saved;
      }
    },
  },
];
