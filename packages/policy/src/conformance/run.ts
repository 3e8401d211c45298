import { RObject, type Value, compare, fromJSON, keyOf, toJSON } from '../value.ts';
import { PolicyError, PolicyEvalError } from '../errors.ts';
import { compileModules } from '../compiler/compile.ts';
import { runQuery } from '../eval/evaluate.ts';
import { formatValue } from '../format.ts';
import type { ConformanceCase } from './cases.ts';

// Runs one conformance case the way OPA's harness does (v1/topdown/exported_test.go): modules
// compiled as test-<i>.rego, the query parsed as v1, results compared as a set of bindings after a
// JSON round trip (sets become arrays), errors matched by code and message substring.

export type CaseOutcome =
  | { status: 'pass' }
  | { status: 'skip'; reason: string }
  | { status: 'fail'; expected: string; got: string };

/** Cases that need OPA's own test harness (not the language), each with its reason. */
export const SKIPS: { file: string; index?: number; reason: string }[] = [
  { file: 'v0/time/test-time-0947.yaml', reason: 'calls test.sleep, a builtin that exists only in OPA’s Go test harness' },
  { file: 'v1/time/test-time-0947.yaml', reason: 'calls test.sleep, a builtin that exists only in OPA’s Go test harness' },
];

export function skipReason(c: ConformanceCase): string | undefined {
  for (const s of SKIPS) if (s.file === c.file && (s.index === undefined || s.index === c.index)) return s.reason;
  return undefined;
}

const CASE_BUDGET = { timeMs: 20_000 };

export function runCase(c: ConformanceCase): CaseOutcome {
  const skip = skipReason(c);
  if (skip) return { status: 'skip', reason: skip };
  const wantsError = c.wantError !== undefined || c.wantErrorCode !== undefined;
  let results: Map<string, Value>[];
  try {
    const { compiler, program } = compileModules(
      c.modules.map((source, i) => ({ path: `test-${i}.rego`, source })),
      { regoVersion: c.version, experimentalKeywords: c.experimentalKeywords },
    );
    let input: Value | undefined;
    if (c.inputTerm !== undefined) {
      const q = compiler.compileQuery(`__input__ = ${c.inputTerm}`);
      const r = runQuery(program, q, {});
      input = r.results[0]?.get('__input__');
    } else if (c.input !== undefined) input = fromJSON(c.input);
    const q = compiler.compileQuery(c.query);
    const run = runQuery(program, q, {
      input,
      data: c.data === undefined ? undefined : fromJSON(c.data),
      strict: c.strictError,
      budget: CASE_BUDGET,
      nowNs: BigInt(Date.now()) * 1_000_000n,
    });
    results = run.results;
  } catch (e) {
    if (!wantsError) return { status: 'fail', expected: describeExpected(c), got: `error: ${errText(e)}` };
    if (!(e instanceof PolicyError)) return { status: 'fail', expected: describeExpected(c), got: `error: ${errText(e)}` };
    if (c.wantErrorCode !== undefined && !(e instanceof PolicyEvalError && e.code === c.wantErrorCode)) {
      return { status: 'fail', expected: describeExpected(c), got: `error: ${errText(e)}` };
    }
    if (c.wantError !== undefined && !e.message.includes(c.wantError)) {
      return { status: 'fail', expected: describeExpected(c), got: `error: ${errText(e)}` };
    }
    return { status: 'pass' };
  }
  if (wantsError) return { status: 'fail', expected: describeExpected(c), got: describeResults(results, c.sortBindings) };
  if (c.wantResult === undefined) return { status: 'fail', expected: '(nothing: case has no expectation)', got: describeResults(results, c.sortBindings) };
  const want = new Map<string, Value>();
  for (const b of c.wantResult) {
    const v = fromJSON(b ?? {});
    want.set(keyOf(v), v);
  }
  const got = new Map<string, Value>();
  for (const r of results) {
    const o = new RObject();
    for (const [k, v] of r) {
      // OPA's harness round-trips bindings through JSON: sets become arrays.
      let j = fromJSON(toJSON(v));
      if (c.sortBindings && Array.isArray(j)) j = [...j].sort(compare);
      o.set(k, j);
    }
    got.set(keyOf(o), o);
  }
  const same = want.size === got.size && [...want.keys()].every((k) => got.has(k));
  if (same) return { status: 'pass' };
  return { status: 'fail', expected: describeExpected(c), got: describeResults(results, c.sortBindings) };
}

function errText(e: unknown): string {
  if (e instanceof Error) return `${e.name === 'Error' ? '' : e.name + ': '}${e.message}`;
  return String(e);
}

function describeExpected(c: ConformanceCase): string {
  if (c.wantErrorCode !== undefined || c.wantError !== undefined) {
    return `error${c.wantErrorCode ? ` ${c.wantErrorCode}` : ''}${c.wantError !== undefined ? ` containing ${JSON.stringify(c.wantError)}` : ''}`;
  }
  return c.wantResult === undefined ? '(none)' : c.wantResult.map((b) => formatValue(fromJSON(b ?? {}))).join('\n    ') || '(no results)';
}

function describeResults(results: Map<string, Value>[], sort: boolean): string {
  if (results.length === 0) return '(no results)';
  return results
    .map((r) => {
      const o = new RObject();
      for (const [k, v] of r) {
        let j = fromJSON(toJSON(v));
        if (sort && Array.isArray(j)) j = [...j].sort(compare);
        o.set(k, j);
      }
      return formatValue(o);
    })
    .join('\n    ');
}
