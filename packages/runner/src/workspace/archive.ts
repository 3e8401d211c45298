import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create, extract } from 'tar';

/** SHA-256 (hex) of a file's bytes. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface CreateArchiveInput {
  /** Directory the entries are relative to. */
  cwd: string;
  /** Files and directories (relative to cwd) to include. */
  entries: string[];
  /** Return false to leave a path (relative to cwd, as tar sees it) out of the archive. */
  include?: (path: string) => boolean;
}

/** A gzipped tar of `entries`, as a Buffer. Symbolic links are stored as links, never followed. */
export async function createArchive(input: CreateArchiveInput): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = create(
    {
      gzip: true,
      cwd: input.cwd,
      portable: true,
      follow: false,
      filter: input.include ? (path: string) => input.include!(path.replace(/^\.\//, '')) : undefined,
    },
    input.entries,
  );
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * Unpacks a gzipped tar into `dir`. node-tar refuses absolute paths, `..` and writing through
 * symbolic links, so an archive cannot place files outside `dir`.
 */
export async function extractArchive(archive: Buffer, dir: string): Promise<void> {
  await pipeline(Readable.from([archive]), extract({ cwd: dir, strict: true, preservePaths: false }));
}
