// Whether apps/web/.next was built from the sources in the tree now, so `pnpm start` (and the e2e
// setup) can skip `next build` — most of the time a start takes — when nothing it bundles changed.
// Uses only Node built-ins: `pnpm start` imports it before dependencies are installed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the web build is made of: its own sources, every workspace package it bundles, the Prisma schema, the lockfile. */
const BUILD_INPUTS = ['apps/web', 'packages', 'prisma/schema.prisma', 'pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml', 'tsconfig.base.json'];
/** Directories that are outputs or installed, never inputs (the Prisma client is generated from the schema, which is hashed). */
const NOT_INPUTS = new Set(['node_modules', '.next', 'dist', 'coverage', 'generated', 'test-results', 'playwright-report', '.turbo']);

const stampFile = join(root, '.gantry', 'web-build.sha256');
const buildIdFile = join(root, 'apps', 'web', '.next', 'BUILD_ID');

function sourcesFingerprint(env) {
  const hash = createHash('sha256');
  const visit = (path) => {
    if (!existsSync(path)) return;
    if (statSync(path).isFile()) {
      hash.update(`${relative(root, path)}\0`).update(readFileSync(path)).update('\0');
      return;
    }
    const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (NOT_INPUTS.has(entry.name) || entry.name.endsWith('.tsbuildinfo')) continue;
      if (entry.isDirectory() || entry.isFile()) visit(join(path, entry.name));
    }
  };
  for (const input of BUILD_INPUTS) visit(join(root, input));
  // Public variables are inlined into the browser bundle at build time.
  for (const key of Object.keys(env).sort()) if (key.startsWith('NEXT_PUBLIC_')) hash.update(`${key}=${env[key]}\0`);
  return hash.digest('hex');
}

/** The sources' fingerprint and the id of the build: a build made from other sources, or by anything else, does not match. */
function stamp(env) {
  const buildId = existsSync(buildIdFile) ? readFileSync(buildIdFile, 'utf8').trim() : 'none';
  return `${sourcesFingerprint(env)} ${buildId}`;
}

/** True when apps/web/.next exists and was recorded (recordWebBuild) as built from the current sources. */
export function webBuildIsCurrent(env = process.env) {
  if (!existsSync(buildIdFile) || !existsSync(stampFile)) return false;
  return readFileSync(stampFile, 'utf8').trim() === stamp(env);
}

/** Call after a successful `next build`: records which sources the build in apps/web/.next was made from. */
export function recordWebBuild(env = process.env) {
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, `${stamp(env)}\n`);
}
