import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatTestReport, runPolicyTests } from '../testing/runner.ts';
import type { RegoVersion } from '../syntax/ast.ts';

// `pnpm policy:test <dir|file>... [-v] [--run <regex>] [--rego-version v0|v1] [--strict]`
// Runs the `test_*` rules of the Rego files found (like `opa test`). Exit code 1 on failures.

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
    else if (a === '--') continue;
    else if (a === '-h' || a === '--help') {
      console.log('usage: pnpm policy:test <dir|file>... [-v] [--run <regex>] [--rego-version v0|v1] [--strict]');
      return 0;
    } else paths.push(a);
  }
  if (paths.length === 0) {
    console.error('usage: pnpm policy:test <dir|file>... [-v] [--run <regex>] [--rego-version v0|v1] [--strict]');
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
  const report = runPolicyTests(
    files.map((f) => ({ path: relative(cwd, f) || f, source: readFileSync(f, 'utf8') })),
    { regoVersion, filter, strict },
  );
  console.log(formatTestReport(report, verbose));
  if (report.compileError) return 2;
  return report.failed > 0 || report.errored > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
