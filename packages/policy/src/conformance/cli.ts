import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases } from './cases.ts';
import { SKIPS, runCase } from './run.ts';

// `pnpm conformance [--folder <name>] [--failures] [--update-baseline]`
//
// Runs OPA's conformance cases through the engine, prints a table per folder and a summary line,
// and exits non-zero when the pass count drops below packages/policy/conformance-baseline.json.

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const baselinePath = resolve(here, '../../conformance-baseline.json');

function parseArgs(argv: string[]) {
  const opts = { folders: [] as string[], failures: false, updateBaseline: false, filter: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--folder' || a === '-f') opts.folders.push(argv[++i] ?? '');
    else if (a.startsWith('--folder=')) opts.folders.push(a.slice('--folder='.length));
    else if (a === '--failures') opts.failures = true;
    else if (a === '--update-baseline') opts.updateBaseline = true;
    else if (a === '--note') opts.filter = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log('usage: pnpm conformance [--folder <name>]... [--failures] [--note <substring>] [--update-baseline]');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  return opts;
}

function main(): number {
  const opts = parseArgs(process.argv.slice(2).filter((a) => a !== '--'));
  const base = process.env.GANTRY_CONFORMANCE_DIR ?? join(repoRoot, '..', 'shared', 'conformance');
  const dataDir = existsSync(join(base, 'opa-testdata')) ? join(base, 'opa-testdata') : base;
  if (!existsSync(join(dataDir, 'v1')) && !existsSync(join(dataDir, 'v0'))) {
    console.log(`conformance data not found at ${dataDir}, skipping (set GANTRY_CONFORMANCE_DIR to OPA's test/cases/testdata)`);
    return 0;
  }
  let cases = loadCases(dataDir);
  const partial = opts.folders.length > 0 || opts.filter !== undefined;
  if (opts.folders.length > 0) {
    cases = cases.filter((c) => opts.folders.some((f) => f === c.folder || f === `${c.version}/${c.folder}`));
  }
  if (opts.filter !== undefined) cases = cases.filter((c) => c.note.includes(opts.filter!));

  const byFolder = new Map<string, { total: number; pass: number; fail: number; skip: number }>();
  let pass = 0;
  let skip = 0;
  const failures: string[] = [];
  const started = Date.now();
  for (const c of cases) {
    let row = byFolder.get(c.folder);
    if (!row) byFolder.set(c.folder, (row = { total: 0, pass: 0, fail: 0, skip: 0 }));
    row.total++;
    let outcome;
    try {
      outcome = runCase(c);
    } catch (e) {
      outcome = { status: 'fail' as const, expected: '(case)', got: `runner crash: ${(e as Error).stack ?? e}` };
    }
    if (outcome.status === 'pass') {
      row.pass++;
      pass++;
    } else if (outcome.status === 'skip') {
      row.skip++;
      skip++;
    } else {
      row.fail++;
      if (opts.failures) {
        failures.push(`✗ ${c.file} #${c.index} ${c.note}\n  expected: ${outcome.expected}\n  got:      ${outcome.got}`);
      }
    }
  }
  const elapsed = ((Date.now() - started) / 1000).toFixed(1);

  if (opts.failures && failures.length > 0) {
    console.log(failures.join('\n\n'));
    console.log('');
  }
  const rows = [...byFolder].sort((a, b) => a[0].localeCompare(b[0]));
  const w = Math.max(6, ...rows.map(([f]) => f.length));
  console.log(`${'folder'.padEnd(w)}  cases   pass   fail   skip`);
  for (const [f, r] of rows) {
    const mark = r.fail === 0 ? ' ' : '*';
    console.log(`${f.padEnd(w)}  ${String(r.total).padStart(5)}  ${String(r.pass).padStart(5)}  ${String(r.fail).padStart(5)}  ${String(r.skip).padStart(5)} ${mark}`);
  }
  if (skip > 0) {
    console.log('\nskipped (need OPA’s own test harness):');
    for (const s of SKIPS) console.log(`  ${s.file}${s.index === undefined ? '' : ' #' + s.index}: ${s.reason}`);
  }
  const total = cases.length;
  const pct = total === 0 ? 0 : (pass / total) * 100;
  console.log(`\n(${elapsed}s)`);
  console.log(`conformance: ${pass}/${total} cases pass (${pct.toFixed(1)}%), ${skip} skipped`);

  if (partial) return 0;
  const baseline = existsSync(baselinePath) ? (JSON.parse(readFileSync(baselinePath, 'utf8')) as { pass: number }).pass : 0;
  if (opts.updateBaseline) {
    if (pass >= baseline) {
      writeFileSync(baselinePath, JSON.stringify({ pass, total, note: 'Minimum number of passing OPA conformance cases; raise it as the engine improves.' }, null, 2) + '\n');
      console.log(`baseline updated: ${baseline} → ${pass}`);
    } else console.log(`baseline kept at ${baseline} (current ${pass} is lower)`);
    return 0;
  }
  if (pass < baseline) {
    console.log(`conformance regressed: ${pass} passing cases, baseline is ${baseline}`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
