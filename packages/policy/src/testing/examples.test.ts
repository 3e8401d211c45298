import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPolicyTests } from './runner.ts';

// The copyable example policies (examples/policies, one folder per policy) keep passing their
// own tests. CI also runs them through the CLI: `pnpm policy:test examples/policies`.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../examples/policies');
const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

describe('example policies', () => {
  it('has the documented folders', () => {
    expect(folders.sort()).toEqual(['approval', 'login', 'plan', 'push']);
  });

  it.each(folders)('%s: every test passes', (folder) => {
    const dir = join(root, folder);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.rego'))
      .map((f) => ({ path: `${folder}/${f}`, source: readFileSync(join(dir, f), 'utf8') }));
    expect(files.some((f) => f.path.endsWith('_test.rego'))).toBe(true);
    const report = runPolicyTests(files);
    expect(report.compileError).toBeUndefined();
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.passed).toBeGreaterThanOrEqual(7);
  });
});
