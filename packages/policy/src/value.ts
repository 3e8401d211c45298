// Rego values. JSON scalars are JS primitives; numbers are `number`, or `bigint` for integers
// outside the float64-safe range (see `normalizeNumber`). Arrays are JS arrays. Objects and sets
// are classes keyed by a canonical string, because Rego allows any value as an object key or
// set member and compares them structurally.
//
// Values are immutable once built and shared: builders call `set`/`add` while constructing a
// value, never on a value that has been handed to someone else.
//
// Note (language core): `RObject.lazy(record)` wraps a plain JSON record and converts members on
// first access, so evaluating a policy over a large input only converts what the policy reads.
// `fromJSON` uses it for plain objects. The public RObject API is unchanged; a lazy object
// materializes itself when iterated, sized, keyed or extended.

export type RNumber = number | bigint;
export type Value = null | boolean | RNumber | string | Value[] | RObject | RSet;

export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

export function typeName(v: Value): TypeName {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof RObject) return 'object';
  return 'set';
}

export const isNumber = (v: Value): v is RNumber => typeof v === 'number' || typeof v === 'bigint';
export const isObject = (v: Value): v is RObject => v instanceof RObject;
export const isSet = (v: Value): v is RSet => v instanceof RSet;
export const isArray = (v: Value): v is Value[] => Array.isArray(v);

/** Integers beyond ±2^53 become bigint so they stay exact; bigints that fit become numbers. */
export function normalizeNumber(n: RNumber): RNumber {
  if (typeof n === 'bigint') {
    return n >= -MAX_SAFE && n <= MAX_SAFE ? Number(n) : n;
  }
  if (Number.isInteger(n) && !Number.isSafeInteger(n) && Number.isFinite(n)) return BigInt(n);
  return n;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

// ---------------------------------------------------------------------------------------------
// Canonical keys: equal values (structurally, 1 == 1.0) have equal keys. Plain strings are their
// own key (the fast path for JSON objects) unless they begin with the escape character.

const ESC = '\u0000';

export function keyOf(v: Value): string {
  switch (typeof v) {
    case 'string':
      return v.length > 0 && v.charCodeAt(0) === 0 ? ESC + 's' + v : v;
    case 'number':
      return ESC + '#' + numberKey(v);
    case 'bigint':
      return ESC + '#' + v.toString();
    case 'boolean':
      return v ? ESC + 't' : ESC + 'f';
  }
  if (v === null) return ESC + 'n';
  if (Array.isArray(v)) return ESC + 'a' + JSON.stringify(v.map(keyOf));
  return v.canonicalKey();
}

function numberKey(n: number): string {
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  return String(n);
}

// ---------------------------------------------------------------------------------------------

export class RObject {
  private readonly entriesByKey = new Map<string, [Value, Value]>();
  private sortedCache: [Value, Value][] | undefined;
  private keyCache: string | undefined;
  /** Plain JSON record not yet converted (lazy objects); undefined once materialized. */
  private plain: Record<string, unknown> | undefined;

  static from(entries: Iterable<[Value, Value]>): RObject {
    const o = new RObject();
    for (const [k, v] of entries) o.set(k, v);
    return o;
  }

  /** Builds an object from a plain JS record of already-converted values. */
  static fromRecord(record: Record<string, Value>): RObject {
    const o = new RObject();
    for (const k of Object.keys(record)) o.set(k, record[k] as Value);
    return o;
  }

  /**
   * Wraps a plain JSON record (as from `JSON.parse`); members are converted with `fromJSON` when
   * first read. The record must not be changed afterwards.
   */
  static lazy(record: Record<string, unknown>): RObject {
    const o = new RObject();
    o.plain = record;
    return o;
  }

  get size(): number {
    if (this.plain !== undefined) this.materialize();
    return this.entriesByKey.size;
  }

  get(key: Value): Value | undefined {
    if (this.plain !== undefined) {
      if (typeof key !== 'string') return undefined;
      const k = keyOf(key);
      const e = this.entriesByKey.get(k);
      if (e !== undefined) return e[1];
      if (!Object.prototype.hasOwnProperty.call(this.plain, key)) return undefined;
      const v = fromJSON(this.plain[key]);
      this.entriesByKey.set(k, [key, v]);
      return v;
    }
    return this.entriesByKey.get(keyOf(key))?.[1];
  }

  has(key: Value): boolean {
    if (this.plain !== undefined) {
      return typeof key === 'string' && Object.prototype.hasOwnProperty.call(this.plain, key);
    }
    return this.entriesByKey.has(keyOf(key));
  }

  /** Only while building. */
  set(key: Value, value: Value): this {
    if (this.plain !== undefined) this.materialize();
    this.entriesByKey.set(keyOf(key), [key, value]);
    this.sortedCache = undefined;
    this.keyCache = undefined;
    return this;
  }

  private materialize(): void {
    const plain = this.plain!;
    this.plain = undefined;
    for (const key of Object.keys(plain)) {
      const k = keyOf(key);
      if (!this.entriesByKey.has(k)) this.entriesByKey.set(k, [key, fromJSON(plain[key])]);
    }
  }

  /** Entries sorted by key (OPA iterates objects in key order). */
  entries(): readonly [Value, Value][] {
    if (this.plain !== undefined) this.materialize();
    if (!this.sortedCache) {
      this.sortedCache = [...this.entriesByKey.values()].sort((a, b) => compare(a[0], b[0]));
    }
    return this.sortedCache;
  }

  keys(): Value[] {
    return this.entries().map((e) => e[0]);
  }

  values(): Value[] {
    return this.entries().map((e) => e[1]);
  }

  canonicalKey(): string {
    if (this.keyCache === undefined) {
      this.keyCache = ESC + 'o' + JSON.stringify(this.entries().map(([k, v]) => [keyOf(k), keyOf(v)]));
    }
    return this.keyCache;
  }
}

export class RSet {
  private readonly members = new Map<string, Value>();
  private sortedCache: Value[] | undefined;
  private keyCache: string | undefined;

  static from(values: Iterable<Value>): RSet {
    const s = new RSet();
    for (const v of values) s.add(v);
    return s;
  }

  get size(): number {
    return this.members.size;
  }

  has(v: Value): boolean {
    return this.members.has(keyOf(v));
  }

  /** Only while building. */
  add(v: Value): this {
    const k = keyOf(v);
    if (!this.members.has(k)) {
      this.members.set(k, v);
      this.sortedCache = undefined;
      this.keyCache = undefined;
    }
    return this;
  }

  /** Members in sorted order (OPA iterates sets in order). */
  values(): readonly Value[] {
    if (!this.sortedCache) this.sortedCache = [...this.members.values()].sort(compare);
    return this.sortedCache;
  }

  canonicalKey(): string {
    if (this.keyCache === undefined) {
      this.keyCache = ESC + 'S' + JSON.stringify(this.values().map(keyOf));
    }
    return this.keyCache;
  }
}

// ---------------------------------------------------------------------------------------------
// Total order, as OPA's: null < boolean < number < string < array < object < set.

const RANK: Record<TypeName, number> = { null: 0, boolean: 1, number: 2, string: 3, array: 4, object: 5, set: 6 };

export function compare(a: Value, b: Value): number {
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return RANK[ta] - RANK[tb];
  switch (ta) {
    case 'null':
      return 0;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'number':
      return compareNumbers(a as RNumber, b as RNumber);
    case 'string':
      return compareStrings(a as string, b as string);
    case 'array':
      return compareSequences(a as Value[], b as Value[]);
    case 'object': {
      const ea = (a as RObject).entries();
      const eb = (b as RObject).entries();
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const c = compare(ea[i]![0], eb[i]![0]) || compare(ea[i]![1], eb[i]![1]);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
    case 'set':
      return compareSequences((a as RSet).values(), (b as RSet).values());
  }
}

function compareSequences(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Go compares strings bytewise in UTF-8; for valid UTF-16 that is code-point order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

export function compareNumbers(a: RNumber, b: RNumber): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // Mixed: JS compares bigint and number exactly.
  return a < b ? -1 : a > b ? 1 : 0;
}

export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta === 'string' || ta === 'boolean' || a === null || b === null) return false;
  if (isNumber(a)) return isNumber(b) && compareNumbers(a, b) === 0;
  // Structural comparison (no canonical keys built for the common cases).
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (a instanceof RObject) {
    if (!(b instanceof RObject) || a.size !== b.size) return false;
    for (const [k, v] of a.entries()) {
      const w = b.get(k);
      if (w === undefined || !equals(v, w)) return false;
    }
    return true;
  }
  if (a instanceof RSet) {
    if (!(b instanceof RSet) || a.size !== b.size) return false;
    for (const v of a.values()) if (!b.has(v)) return false;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Literal text of numbers beyond float64. OPA keeps a number literal as its source text and
// prints that text when the number cannot be a float64: `sprintf("%v", [2e308])` is "hi 2e308",
// not 2 followed by 308 zeros. Values here stay exact integers (bigint), and the parser records
// the text of such literals, keyed by value. Only literals written with an exponent or fraction
// whose value exceeds float64 are recorded, so ordinary numbers never look here; the cost is
// one Map lookup when a bigint is printed. A computed value equal to such a literal prints like
// the literal (OPA would print its digits): a corner of a corner.

const literalTexts = new Map<bigint, string>();
const MAX_LITERAL_TEXTS = 4096;

/** Records the source text of a number literal beyond float64 range (parser only). */
export function recordNumberLiteralText(value: bigint, text: string): void {
  if (literalTexts.size < MAX_LITERAL_TEXTS || literalTexts.has(value)) literalTexts.set(value, text);
}

/** The recorded literal text of a number beyond float64 range, if any. */
export function numberLiteralText(value: bigint): string | undefined {
  return literalTexts.size === 0 ? undefined : literalTexts.get(value);
}

// ---------------------------------------------------------------------------------------------
// JSON interop.

/** Converts parsed JSON (or any plain JS data) to a Rego value. */
export function fromJSON(x: unknown): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return x;
    case 'number':
      return normalizeNumber(x);
    case 'bigint':
      return normalizeNumber(x);
  }
  if (Array.isArray(x)) return x.map(fromJSON);
  if (x instanceof RObject || x instanceof RSet) return x;
  if (x instanceof Set) return RSet.from([...x].map(fromJSON));
  if (x instanceof Map) return RObject.from([...x].map(([k, v]) => [fromJSON(k), fromJSON(v)] as [Value, Value]));
  return RObject.lazy(x as Record<string, unknown>);
}

/**
 * Converts a Rego value to plain JS data, as OPA serialises results: sets become sorted arrays,
 * object keys become strings (non-string keys are JSON-encoded, like OPA does). Big integers stay
 * `bigint`; callers that need text use `toJSONText`.
 */
export function toJSON(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toJSON);
  if (v instanceof RSet) return v.values().map(toJSON);
  const out: Record<string, unknown> = {};
  for (const [k, val] of v.entries()) out[typeof k === 'string' ? k : toJSONText(k)] = toJSON(val);
  return out;
}

/** Canonical JSON text of a value (object keys sorted, sets as sorted arrays, exact big integers). */
export function toJSONText(v: Value): string {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return formatNumber(v);
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return '[' + v.map(toJSONText).join(',') + ']';
  if (v instanceof RSet) return '[' + v.values().map(toJSONText).join(',') + ']';
  return (
    '{' +
    v
      .entries()
      .map(([k, val]) => JSON.stringify(typeof k === 'string' ? k : toJSONText(k)) + ':' + toJSONText(val))
      .join(',') +
    '}'
  );
}

/** Number text as OPA prints it: integers without exponent or fraction. */
export function formatNumber(n: RNumber): string {
  if (typeof n === 'bigint') return literalTexts.size === 0 ? n.toString() : (literalTexts.get(n) ?? n.toString());
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  return String(n);
}
