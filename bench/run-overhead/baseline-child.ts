import { createInterface } from 'node:readline';
import { RepositoryCache } from '@gantry/runner';
import { manyResourcesConfig } from '@gantry/test-support';
import { plainTofuRun, runnerOnlyRun, type Measured } from './baseline.ts';

/**
 * Runs the (b) and (r) measurements for the benchmark in a process of their own, started by
 * light-process.ts. This process loads no database client: a process that has run Prisma queries
 * forks child processes several times slower (its memory map is larger), so plain OpenTofu started
 * from the benchmark's own process would be measured slower than it is.
 *
 * One JSON request per line on stdin, one JSON answer per line on stdout:
 *   {"kind": "plain", "resources": 50}
 *   {"kind": "archive" | "in-place", "repo": {"url": "...", "sha": "..."}, "cacheDir": "..."}
 * answer: {"ok": true, "measured": {...}} or {"ok": false, "error": "..."}
 */
export type BaselineRequest =
  | { kind: 'plain'; resources: number }
  | { kind: 'archive' | 'in-place'; repo: { url: string; sha: string }; cacheDir: string };

const caches = new Map<string, RepositoryCache>();

async function handle(request: BaselineRequest): Promise<Measured> {
  if (request.kind === 'plain') return plainTofuRun(manyResourcesConfig({ count: request.resources }));
  let cache = caches.get(request.cacheDir);
  if (!cache) caches.set(request.cacheDir, (cache = new RepositoryCache(request.cacheDir)));
  return runnerOnlyRun(request.repo, request.kind, cache);
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    const measured = await handle(JSON.parse(line) as BaselineRequest);
    process.stdout.write(`${JSON.stringify({ ok: true, measured })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) })}\n`);
  }
}
