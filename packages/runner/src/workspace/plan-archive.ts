import { readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { constants as zlib, gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { z } from 'zod';
import { RunnerError } from '../errors.ts';
import { createArchive, extractArchive } from './archive.ts';
import { LOCAL_STATE_FILES } from './state.ts';

/**
 * The archive that carries a plan to its apply, on any worker:
 *   source/…              the checkout (without .git), with the project's .terraform, lock file and
 *                         local modules; never the local state files
 *   gantry.tfplan         the plan file
 *   gantry-archive.json   this manifest
 */
export const SOURCE_DIR = 'source';
export const PLAN_FILE = 'gantry.tfplan';
export const MANIFEST_FILE = 'gantry-archive.json';

const manifestSchema = z.object({
  format: z.literal(1),
  projectRoot: z.string(),
  planFile: z.literal(PLAN_FILE),
  commitSha: z.string(),
  vendor: z.enum(['OPENTOFU', 'TERRAFORM']),
  createdAt: z.string(),
});

export type PlanArchiveManifest = z.infer<typeof manifestSchema>;

/** Writes the manifest into a planned workspace (before it is packed). */
export async function writePlanManifest(workspaceDir: string, manifest: PlanArchiveManifest): Promise<void> {
  await writeFile(join(workspaceDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Packs a planned workspace whose manifest was written (writePlanManifest). */
export async function createPlanArchive(workspaceDir: string, manifest: PlanArchiveManifest): Promise<Buffer> {
  const projectPrefix = posix.join(SOURCE_DIR, manifest.projectRoot);
  return createArchive({
    cwd: workspaceDir,
    entries: [MANIFEST_FILE, PLAN_FILE, SOURCE_DIR],
    include: (path) => {
      if (path === `${SOURCE_DIR}/.git` || path.startsWith(`${SOURCE_DIR}/.git/`)) return false;
      const [directory, name] = [posix.dirname(path), posix.basename(path)];
      if (directory === projectPrefix && LOCAL_STATE_FILES.has(name)) return false;
      return !(path === `${projectPrefix}/terraform.tfstate.d` || path.startsWith(`${projectPrefix}/terraform.tfstate.d/`));
    },
  });
}

/** How much of an archive's start is unpacked to find its manifest (its first entry, a few hundred bytes). */
const MANIFEST_PEEK_BYTES = 16 * 1024;

/**
 * The manifest of a plan archive, read from its first entry without unpacking the rest (an archive
 * with providers runs to hundreds of MB): null when the start of the archive does not hold one.
 * restorePlanArchive remains what decides; this only lets an apply start its process early.
 */
export async function peekPlanManifest(archive: Buffer): Promise<PlanArchiveManifest | null> {
  let start: Buffer;
  try {
    start = gunzipSync(archive.subarray(0, MANIFEST_PEEK_BYTES), { finishFlush: zlib.Z_SYNC_FLUSH });
  } catch {
    return null;
  }
  const text = await new Promise<string | null>((resolve) => {
    const parser = new Parser({ filter: (path) => path === MANIFEST_FILE });
    const chunks: Buffer[] = [];
    parser.on('entry', (entry: ReadEntry) => {
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    // The start of an archive ends mid-entry: tar warns of a truncated input, and that is expected.
    parser.on('warn', () => undefined);
    parser.on('error', () => resolve(null));
    parser.on('end', () => resolve(null));
    parser.end(start);
  });
  if (text === null) return null;
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Unpacks a plan archive into an empty directory and returns its manifest. */
export async function restorePlanArchive(archive: Buffer, dir: string): Promise<PlanArchiveManifest> {
  try {
    await extractArchive(archive, dir);
  } catch (error) {
    throw new RunnerError('ARCHIVE_INVALID', `The workspace archive cannot be unpacked: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    throw new RunnerError('ARCHIVE_INVALID', `The workspace archive has no readable ${MANIFEST_FILE}`, { cause: error });
  }
  const parsed = manifestSchema.safeParse(manifest);
  if (!parsed.success) {
    throw new RunnerError('ARCHIVE_INVALID', `The workspace archive's ${MANIFEST_FILE} is not valid`);
  }
  return parsed.data;
}
