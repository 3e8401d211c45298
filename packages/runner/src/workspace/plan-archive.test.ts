import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createArchive } from './archive.ts';
import { createPlanArchive, peekPlanManifest, PLAN_FILE, writePlanManifest, type PlanArchiveManifest } from './plan-archive.ts';

const dirs: string[] = [];

async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-plan-archive-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const manifest: PlanArchiveManifest = {
  format: 1,
  projectRoot: 'stacks/app',
  planFile: PLAN_FILE,
  commitSha: 'a'.repeat(40),
  vendor: 'OPENTOFU',
  createdAt: '2026-12-06T00:00:00.000Z',
};

describe('peekPlanManifest', () => {
  it('reads the manifest from the start of an archive whose rest is large and incompressible', async () => {
    const dir = await workspace();
    await mkdir(join(dir, 'source/stacks/app/.terraform'), { recursive: true });
    await writeFile(join(dir, 'source/stacks/app/main.tf'), 'resource "terraform_data" "x" {}\n');
    await writeFile(join(dir, 'source/stacks/app/.terraform/provider'), randomBytes(512 * 1024));
    await writeFile(join(dir, PLAN_FILE), randomBytes(4096));
    await writePlanManifest(dir, manifest);
    const archive = await createPlanArchive(dir, manifest);
    expect(archive.length).toBeGreaterThan(512 * 1024);
    expect(await peekPlanManifest(archive)).toEqual(manifest);
  });

  it('is null for an archive without a manifest first, a manifest that is not valid, or bytes that are no archive', async () => {
    const dir = await workspace();
    await writeFile(join(dir, 'other.txt'), 'not a manifest');
    expect(await peekPlanManifest(await createArchive({ cwd: dir, entries: ['other.txt'] }))).toBeNull();
    await writePlanManifest(dir, { ...manifest, format: 2 } as unknown as PlanArchiveManifest);
    expect(await peekPlanManifest(await createArchive({ cwd: dir, entries: ['gantry-archive.json'] }))).toBeNull();
    expect(await peekPlanManifest(randomBytes(2048))).toBeNull();
    expect(await peekPlanManifest(Buffer.alloc(0))).toBeNull();
  });
});
