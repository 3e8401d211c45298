import { compare as compareValues, type Value } from '../value.ts';

// Rego's static types, as OPA's type checker models them (package `types`): scalars, arrays with
// static (positional) and dynamic element types, objects with static (per key) and dynamic
// properties, sets, and `any` (a union; empty = every type). Printing, ordering, union (`or`),
// and key/value/select projections follow OPA so that error messages read the same.

export type Type = ScalarType | ArrayType | ObjectType | SetType | AnyType;
export interface ScalarType {
  readonly k: 'null' | 'boolean' | 'number' | 'string';
}
export interface ArrayType {
  readonly k: 'array';
  readonly static: readonly MaybeType[];
  readonly dynamic?: MaybeType;
}
export interface StaticProperty {
  /** A JSON scalar (object keys are usually strings). */
  readonly key: Value;
  readonly value: MaybeType;
}
export interface ObjectType {
  readonly k: 'object';
  /** Sorted by key. */
  readonly static: readonly StaticProperty[];
  readonly dynamic?: { readonly key: MaybeType; readonly value: MaybeType };
}
export interface SetType {
  readonly k: 'set';
  readonly of: MaybeType;
}
export interface AnyType {
  readonly k: 'any';
  /** Sorted alternatives; empty means any type at all. */
  readonly of: readonly Type[];
}

/** `undefined` is OPA's nil type: not known yet (an unbound variable), printed `???`. */
export type MaybeType = Type | undefined;

export const NULL: Type = { k: 'null' };
export const B: Type = { k: 'boolean' };
export const N: Type = { k: 'number' };
export const S: Type = { k: 'string' };
export const A: AnyType = { k: 'any', of: [] };

export const arrayOf = (dynamic: MaybeType, statics: MaybeType[] = []): ArrayType => ({ k: 'array', static: statics, dynamic });
export const setOf = (of: MaybeType): SetType => ({ k: 'set', of });
export function objectOf(statics: StaticProperty[], dynamic?: { key: MaybeType; value: MaybeType }): ObjectType {
  return { k: 'object', static: [...statics].sort((a, b) => compareValues(a.key, b.key)), dynamic };
}
export function anyOf(...of: Type[]): AnyType {
  return { k: 'any', of: [...of].sort(compareTypes) };
}

const ORDER: Record<Type['k'], number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5, set: 6, any: 7 };

export function compareTypes(a: MaybeType, b: MaybeType): number {
  const x = a === undefined ? -1 : ORDER[a.k];
  const y = b === undefined ? -1 : ORDER[b.k];
  if (x !== y) return x < y ? -1 : 1;
  if (a === undefined || b === undefined) return 0;
  switch (a.k) {
    case 'array': {
      const o = b as ArrayType;
      if (a.dynamic !== undefined && o.dynamic === undefined) return 1;
      if (o.dynamic !== undefined && a.dynamic === undefined) return -1;
      if (a.dynamic !== undefined && o.dynamic !== undefined) {
        const c = compareTypes(a.dynamic, o.dynamic);
        if (c !== 0) return c;
      }
      return compareTypeLists(a.static, o.static);
    }
    case 'object': {
      const o = b as ObjectType;
      if (a.dynamic !== undefined && o.dynamic === undefined) return 1;
      if (o.dynamic !== undefined && a.dynamic === undefined) return -1;
      if (a.dynamic !== undefined && o.dynamic !== undefined) {
        const c = compareTypes(a.dynamic.key, o.dynamic.key) || compareTypes(a.dynamic.value, o.dynamic.value);
        if (c !== 0) return c;
      }
      const n = Math.min(a.static.length, o.static.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(a.static[i]!.key, o.static[i]!.key) || compareTypes(a.static[i]!.value, o.static[i]!.value);
        if (c !== 0) return c;
      }
      return a.static.length - o.static.length;
    }
    case 'set':
      return compareTypes(a.of, (b as SetType).of);
    case 'any':
      return compareTypeLists(a.of, (b as AnyType).of);
    default:
      return 0;
  }
}

function compareTypeLists(a: readonly MaybeType[], b: readonly MaybeType[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareTypes(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export const isA = (t: MaybeType): boolean => t !== undefined && t.k === 'any' && t.of.length === 0;

/** `any<…>` contains `t` (OPA's Any.Contains / types.Contains). */
export function contains(a: MaybeType, b: MaybeType): boolean {
  if (a !== undefined && a.k === 'any') return a.of.length === 0 || a.of.some((x) => compareTypes(x, b) === 0);
  return compareTypes(a, b) === 0;
}

/** The union of two types; a superset absorbs the other (OPA's types.Or). */
export function or(a: MaybeType, b: MaybeType): MaybeType {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.k === 'any') return mergeAny(a, b);
  if (b.k === 'any') return mergeAny(b, a);
  if (compareTypes(a, b) === 0) return a;
  return anyOf(a, b);
}

function mergeAny(a: AnyType, b: Type): AnyType {
  if (a.of.length === 0) return a;
  if (b.k === 'any') {
    if (b.of.length === 0) return b;
    let out: AnyType = a;
    for (const t of b.of) out = mergeAny(out, t);
    return out;
  }
  if (contains(a, b)) return a;
  return anyOf(...a.of, b);
}

/** The type of a JSON scalar used as a key (OPA's TypeOf). */
export function typeOfValue(v: Value): Type {
  if (v === null) return NULL;
  switch (typeof v) {
    case 'boolean':
      return B;
    case 'number':
    case 'bigint':
      return N;
    case 'string':
      return S;
  }
  return A;
}

/** Element (or property) type selected by a constant key; undefined when there is none. */
export function select(t: MaybeType, key: Value): MaybeType {
  if (t === undefined) return undefined;
  switch (t.k) {
    case 'array': {
      if (typeof key !== 'number' && typeof key !== 'bigint') return undefined;
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0) return undefined;
      if (i < t.static.length) return t.static[i];
      return t.dynamic;
    }
    case 'object': {
      const p = t.static.find((x) => compareValues(x.key, key) === 0);
      if (p) return p.value;
      if (t.dynamic !== undefined && contains(t.dynamic.key, typeOfValue(key))) return t.dynamic.value;
      return undefined;
    }
    case 'set': {
      const kt = typeOfValue(key);
      if (compareTypes(t.of, kt) === 0) return t.of;
      if (t.of !== undefined && t.of.k === 'any' && contains(t.of, kt)) return kt;
      return undefined;
    }
    case 'any': {
      if (t.of.length === 0) return A;
      let out: MaybeType;
      for (const x of t.of) out = or(select(x, key), out);
      return out;
    }
    default:
      return undefined;
  }
}

/** Type of the keys that iterate `t` (numbers for arrays); undefined for scalars. */
export function keysOf(t: MaybeType): MaybeType {
  if (t === undefined) return undefined;
  switch (t.k) {
    case 'array':
      return N;
    case 'object': {
      let out: MaybeType;
      for (const p of t.static) out = or(out, typeOfValue(p.key));
      if (t.dynamic !== undefined) out = or(out, t.dynamic.key);
      return out;
    }
    case 'set':
      return t.of;
    case 'any': {
      if (t.of.length === 0) return A;
      let out: MaybeType;
      for (const x of t.of) out = or(keysOf(x), out);
      return out;
    }
    default:
      return undefined;
  }
}

/** Type of the values that iterate `t`; undefined for scalars. */
export function valuesOf(t: MaybeType): MaybeType {
  if (t === undefined) return undefined;
  switch (t.k) {
    case 'array': {
      let out: MaybeType;
      for (const x of t.static) out = or(out, x);
      return or(out, t.dynamic);
    }
    case 'object': {
      let out: MaybeType;
      for (const p of t.static) out = or(out, p.value);
      if (t.dynamic !== undefined) out = or(out, t.dynamic.value);
      return out;
    }
    case 'set':
      return t.of;
    case 'any': {
      if (t.of.length === 0) return A;
      let out: MaybeType;
      for (const x of t.of) out = or(valuesOf(x), out);
      return out;
    }
    default:
      return undefined;
  }
}

/** The type is unknown or has unknown parts (OPA's types.Nil). */
export function hasNil(t: MaybeType): boolean {
  if (t === undefined) return true;
  switch (t.k) {
    case 'array':
      return t.static.some(hasNil) || (t.dynamic !== undefined && hasNil(t.dynamic));
    case 'object':
      return t.static.some((p) => hasNil(p.value)) || (t.dynamic !== undefined && (hasNil(t.dynamic.key) || hasNil(t.dynamic.value)));
    case 'set':
      return hasNil(t.of);
    default:
      return false;
  }
}

/** Values of one type can also be values of the other (OPA's checker `unifies`). */
export function unifies(a: MaybeType, b: MaybeType): boolean {
  if (a === undefined || b === undefined) return false;
  if (a.k === 'any' && (a.of.length === 0 || a.of.some((x) => unifies(x, b)))) return true;
  if (b.k === 'any' && (b.of.length === 0 || b.of.some((x) => unifies(x, a)))) return true;
  if (a.k === 'any' || b.k === 'any') return false;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'array': {
      const o = b as ArrayType;
      const staticOk = (x: ArrayType, y: ArrayType) => x.static.every((t, i) => unifies(t, select(y, i)));
      return staticOk(a, o) && staticOk(o, a) && (a.dynamic === undefined || o.dynamic === undefined || unifies(a.dynamic, o.dynamic));
    }
    case 'object': {
      const o = b as ObjectType;
      const staticOk = (x: ObjectType, y: ObjectType) => x.static.every((p) => unifies(p.value, select(y, p.key)));
      return staticOk(a, o) && staticOk(o, a) && (a.dynamic === undefined || o.dynamic === undefined || unifies(a.dynamic.value, o.dynamic.value));
    }
    case 'set':
      return unifies(valuesOf(a), valuesOf(b));
    default:
      return true;
  }
}

/** OPA's type notation: `array[string]`, `object<a: number>[string: any]`, `any<number, string>`. */
export function typeString(t: MaybeType): string {
  if (t === undefined) return '???';
  switch (t.k) {
    case 'array': {
      let s = 'array';
      if (t.static.length > 0) s += '<' + t.static.map(typeString).join(', ') + '>';
      if (t.dynamic !== undefined) s += '[' + typeString(t.dynamic) + ']';
      return s;
    }
    case 'object': {
      let s = 'object';
      if (t.static.length > 0) s += '<' + t.static.map((p) => `${keyString(p.key)}: ${typeString(p.value)}`).join(', ') + '>';
      if (t.dynamic !== undefined) s += `[${typeString(t.dynamic.key)}: ${typeString(t.dynamic.value)}]`;
      return s;
    }
    case 'set':
      return `set[${typeString(t.of)}]`;
    case 'any':
      return t.of.length === 0 ? 'any' : `any<${t.of.map(typeString).join(', ')}>`;
    default:
      return t.k;
  }
}

/** Go's %v of a JSON scalar key. */
function keyString(k: Value): string {
  return typeof k === 'string' ? k : k === null ? '<nil>' : String(k);
}

// ---------------------------------------------------------------------------------------------
// A compact notation for declaring builtin signatures — the same text typeString prints:
//   string | number | boolean | null | any | any<T, …> | array[T] | array<T, …> | array<T, …>[T]
//   set[T] | object[K: V] | object<key: T, …> | object<key: T, …>[K: V]

export function parseType(src: string): Type {
  let i = 0;
  const ws = () => {
    while (src[i] === ' ') i++;
  };
  const eat = (s: string): boolean => {
    ws();
    if (src.startsWith(s, i)) {
      i += s.length;
      return true;
    }
    return false;
  };
  const expect = (s: string) => {
    if (!eat(s)) throw new Error(`type ${JSON.stringify(src)}: expected ${s} at ${i}`);
  };
  const word = (): string => {
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(src.slice(i));
    if (!m) throw new Error(`type ${JSON.stringify(src)}: expected a name at ${i}`);
    i += m[0].length;
    return m[0];
  };
  const list = (close: string): Type[] => {
    const out: Type[] = [];
    if (eat(close)) return out;
    do out.push(type());
    while (eat(','));
    expect(close);
    return out;
  };
  const type = (): Type => {
    const w = word();
    switch (w) {
      case 'null':
        return NULL;
      case 'boolean':
        return B;
      case 'number':
        return N;
      case 'string':
        return S;
      case 'any':
        return eat('<') ? anyOf(...list('>')) : A;
      case 'set': {
        expect('[');
        const of = type();
        expect(']');
        return setOf(of);
      }
      case 'array': {
        const statics = eat('<') ? list('>') : [];
        let dynamic: Type | undefined;
        if (eat('[')) {
          dynamic = type();
          expect(']');
        }
        return arrayOf(dynamic, statics);
      }
      case 'object': {
        const statics: StaticProperty[] = [];
        if (eat('<')) {
          if (!eat('>')) {
            do {
              const key = word();
              expect(':');
              statics.push({ key, value: type() });
            } while (eat(','));
            expect('>');
          }
        }
        let dynamic: { key: Type; value: Type } | undefined;
        if (eat('[')) {
          const key = type();
          expect(':');
          dynamic = { key, value: type() };
          expect(']');
        }
        return objectOf(statics, dynamic);
      }
      default:
        throw new Error(`type ${JSON.stringify(src)}: unknown type ${w}`);
    }
  };
  const t = type();
  ws();
  if (i !== src.length) throw new Error(`type ${JSON.stringify(src)}: unexpected text at ${i}`);
  return t;
}
