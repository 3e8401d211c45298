import { compilePolicy, evaluate } from '../policy.ts';
import { PolicyCompileError, PolicyError } from '../errors.ts';
import type { RegoVersion, Rule } from '../syntax/ast.ts';
import { formatValue } from '../format.ts';
import type { Budget } from '../eval/context.ts';

// `opa test` for Gantry: every `test_*` rule (and `todo_*`, reported as skipped) of the given
// modules is evaluated; a test passes when its value is `true`.

export interface PolicyTestFile {
  path: string;
  source: string;
}

export interface PolicyTestResult {
  /** `data.pkg.test_name` */
  name: string;
  package: string;
  file: string;
  line: number;
  status: 'pass' | 'fail' | 'error' | 'skip';
  durationMs: number;
  /** Why it failed (`undefined`, `false`, or the error). */
  message?: string;
  /** `print` output of the test. */
  output: string[];
}

export interface PolicyTestReport {
  results: PolicyTestResult[];
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  /** Set when the modules do not compile; no tests ran. */
  compileError?: PolicyCompileError;
}

export interface RunPolicyTestsOptions {
  regoVersion?: RegoVersion;
  /** Only tests whose full name matches. */
  filter?: RegExp;
  /** Builtin errors fail the test instead of making the call undefined. */
  strict?: boolean;
  /** Per-test budget (default: 5 s, like Spacelift's non-plan policies). */
  budget?: Partial<Budget>;
}

export function runPolicyTests(files: PolicyTestFile[], opts: RunPolicyTestsOptions = {}): PolicyTestReport {
  const report: PolicyTestReport = { results: [], passed: 0, failed: 0, errored: 0, skipped: 0 };
  let policy;
  try {
    policy = compilePolicy({ modules: files, regoVersion: opts.regoVersion ?? 'v1' });
  } catch (e) {
    if (e instanceof PolicyCompileError) {
      report.compileError = e;
      return report;
    }
    throw e;
  }
  // Collect test rules (one entry per name and package, at the first definition).
  const tests = new Map<string, { pkg: string; rule: string; file: string; line: number; todo: boolean }>();
  for (const m of policy.program.modules) {
    const pkg = m.package.path.slice(1).map((t) => (t as { value: string }).value);
    for (const r of m.rules) {
      const name = ruleName(r);
      if (name === undefined || r.head.args?.length) continue;
      const todo = name.startsWith('todo_');
      if (!name.startsWith('test_') && !todo) continue;
      const full = ['data', ...pkg, name].join('.');
      if (opts.filter && !opts.filter.test(full)) continue;
      if (!tests.has(full)) tests.set(full, { pkg: ['data', ...pkg].join('.'), rule: name, file: m.file, line: r.loc?.row ?? 0, todo });
    }
  }
  for (const [full, t] of [...tests].sort((a, b) => (a[1].file === b[1].file ? a[1].line - b[1].line : a[1].file < b[1].file ? -1 : 1))) {
    const base = { name: full, package: t.pkg, file: t.file, line: t.line, output: [] as string[] };
    if (t.todo) {
      report.results.push({ ...base, status: 'skip', durationMs: 0 });
      report.skipped++;
      continue;
    }
    const t0 = performance.now();
    try {
      const r = evaluate(policy, { entrypoint: full, strict: opts.strict, budget: { timeMs: 5000, ...opts.budget } });
      const durationMs = performance.now() - t0;
      if (r.value === true) {
        report.results.push({ ...base, status: 'pass', durationMs, output: r.prints });
        report.passed++;
      } else {
        const message = r.value === undefined ? 'the test is undefined' : `the test evaluated to ${formatValue(r.value)}`;
        report.results.push({ ...base, status: 'fail', durationMs, message, output: r.prints });
        report.failed++;
      }
    } catch (e) {
      const durationMs = performance.now() - t0;
      if (!(e instanceof PolicyError)) throw e;
      report.results.push({ ...base, status: 'error', durationMs, message: e.message });
      report.errored++;
    }
  }
  return report;
}

function ruleName(r: Rule): string | undefined {
  const h = r.head.ref[0]!;
  return r.head.ref.length === 1 && h.type === 'var' ? h.name : undefined;
}

function fmtDuration(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
  if (ms < 1000) return `${ms.toFixed(1)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

/** Formats a report like `opa test -v`. */
export function formatTestReport(report: PolicyTestReport, verbose: boolean): string {
  const lines: string[] = [];
  const rule = '-'.repeat(80);
  if (report.compileError) {
    lines.push(report.compileError.message);
    return lines.join('\n');
  }
  const bad = report.results.filter((r) => r.status === 'fail' || r.status === 'error');
  if (bad.length > 0) {
    lines.push('FAILURES', rule);
    for (const r of bad) {
      lines.push(`${r.name}: ${r.status === 'fail' ? 'FAIL' : 'ERROR'} (${fmtDuration(r.durationMs)})`);
      lines.push(`  ${r.file}:${r.line}: ${r.message ?? ''}`);
      for (const o of r.output) lines.push(`  ${o}`);
      lines.push('');
    }
  }
  lines.push('SUMMARY', rule);
  let file = '';
  for (const r of report.results) {
    if (!verbose && r.status === 'pass') continue;
    if (r.file !== file) {
      file = r.file;
      lines.push(`${file}:`);
    }
    const status = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skip: 'SKIPPED' }[r.status];
    lines.push(`${r.name}: ${status} (${fmtDuration(r.durationMs)})`);
    if (verbose && r.status === 'pass') for (const o of r.output) lines.push(`  ${o}`);
  }
  lines.push(rule);
  const total = report.results.length;
  if (report.passed > 0) lines.push(`PASS: ${report.passed}/${total}`);
  if (report.failed > 0) lines.push(`FAIL: ${report.failed}/${total}`);
  if (report.errored > 0) lines.push(`ERROR: ${report.errored}/${total}`);
  if (report.skipped > 0) lines.push(`SKIPPED: ${report.skipped}/${total}`);
  if (total === 0) lines.push('no tests found');
  return lines.join('\n');
}
