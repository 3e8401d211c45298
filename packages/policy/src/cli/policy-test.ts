import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { type PolicyTestReport, formatTestReport, runPolicyTests } from '../testing/runner.ts';
import type { RegoVersion } from '../syntax/ast.ts';

// `pnpm policy:test <dir|file>... [-v] [--run <regex>] [--rego-version v0|v1] [--strict] [--together]`
// Runs the `test_*` rules of the Rego files found (like `opa test`). Exit code 1 on failures.
//
// Each directory's .rego files are compiled as one policy with its tests, separately from other
// directories: Spacelift policies all live in `package spacelift` and are evaluated one by one,
// so a folder per policy is the natural layout (examples/policies). `--together` compiles every
// file as one set of modules, as `opa test` does.

const USAGE = 'usage: pnpm policy:test <dir|file>... [-v] [--run <regex>] [--rego-version v0|v1] [--strict] [--together]';

function collect(path: string, out: string[]): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      collect(join(path, name), out);
    }
  } else if (path.endsWith('.rego')) out.push(path);
}

function main(argv: string[]): number {
  const paths: string[] = [];
  let verbose = false;
  let filter: RegExp | undefined;
  let regoVersion: RegoVersion = 'v1';
  let strict = false;
  let together = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-v' || a === '--verbose') verbose = true;
    else if (a === '--run' || a === '-r') filter = new RegExp(argv[++i] ?? '');
    else if (a === '--rego-version') {
      const v = argv[++i];
      if (v !== 'v0' && v !== 'v1') {
        console.error('--rego-version must be v0 or v1');
        return 2;
      }
      regoVersion = v;
    } else if (a === '--v0-compatible') regoVersion = 'v0';
    else if (a === '--strict') strict = true;
    else if (a === '--together') together = true;
    else if (a === '--') continue;
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return 0;
    } else paths.push(a);
  }
  if (paths.length === 0) {
    console.error(USAGE);
    return 2;
  }
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    try {
      collect(abs, files);
    } catch {
      console.error(`no such file or directory: ${p}`);
      return 2;
    }
  }
  if (files.length === 0) {
    console.error('no .rego files found');
    return 2;
  }
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const key = together ? '' : dirname(f);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const merged: PolicyTestReport = { results: [], passed: 0, failed: 0, errored: 0, skipped: 0 };
  let compileFailed = false;
  for (const group of groups.values()) {
    const report = runPolicyTests(
      group.map((f) => ({ path: relative(cwd, f) || f, source: readFileSync(f, 'utf8') })),
      { regoVersion, filter, strict },
    );
    if (report.compileError) {
      compileFailed = true;
      console.log(report.compileError.message);
      continue;
    }
    merged.results.push(...report.results);
    merged.passed += report.passed;
    merged.failed += report.failed;
    merged.errored += report.errored;
    merged.skipped += report.skipped;
  }
  console.log(formatTestReport(merged, verbose));
  if (compileFailed) return 2;
  return merged.failed > 0 || merged.errored > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
