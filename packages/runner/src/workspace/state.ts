import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * State of a stack managed by Gantry travels as a file: the caller passes the current state in
 * (`stateIn`), it is written as ./terraform.tfstate where OpenTofu's default local backend reads it,
 * and after apply the file is read back (`stateOut`). A configuration that declares its own backend
 * (or a `cloud` block) keeps its state there and Gantry leaves it alone.
 */
export const LOCAL_STATE_FILE = 'terraform.tfstate';

/** Files of the local backend that never go into a workspace archive (state travels separately). */
export const LOCAL_STATE_FILES = new Set([LOCAL_STATE_FILE, `${LOCAL_STATE_FILE}.backup`, '.terraform.tfstate.lock.info']);

export interface DeclaredBackend {
  /** Backend type ("s3", "http", …) or "cloud" for a cloud block. */
  type: string;
  file: string;
}

const BACKEND_BLOCK = /^\s*backend\s+"([^"]+)"\s*\{/m;
const CLOUD_BLOCK = /^\s*cloud\s*\{/m;

/** Finds a backend or cloud block in the root module's .tf / .tf.json files (null: local backend). */
export async function findDeclaredBackend(projectDir: string): Promise<DeclaredBackend | null> {
  const files = (await readdir(projectDir)).filter((name) => name.endsWith('.tf') || name.endsWith('.tf.json')).sort();
  for (const file of files) {
    const text = await readFile(join(projectDir, file), 'utf8');
    if (file.endsWith('.tf.json')) {
      const type = backendInJson(text);
      if (type) return { type, file };
      continue;
    }
    const withoutBlockComments = text.replace(/\/\*[\s\S]*?\*\//g, '');
    const backend = BACKEND_BLOCK.exec(withoutBlockComments);
    if (backend) return { type: backend[1]!, file };
    if (CLOUD_BLOCK.test(withoutBlockComments)) return { type: 'cloud', file };
  }
  return null;
}

function backendInJson(text: string): string | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined; // OpenTofu itself reports the syntax error.
  }
  const terraform = (document as { terraform?: unknown } | null)?.terraform;
  for (const block of Array.isArray(terraform) ? terraform : [terraform]) {
    if (typeof block !== 'object' || block === null) continue;
    const { backend, cloud } = block as { backend?: unknown; cloud?: unknown };
    if (cloud) return 'cloud';
    if (typeof backend === 'object' && backend !== null) {
      const entry = Array.isArray(backend) ? backend[0] : backend;
      const type = entry && Object.keys(entry as object)[0];
      if (type) return type;
    }
  }
  return undefined;
}

export async function writeLocalState(projectDir: string, state: Buffer): Promise<void> {
  await writeFile(join(projectDir, LOCAL_STATE_FILE), state, { mode: 0o600 });
}

/** The local backend's state after a command, or null when there is none. */
export async function readLocalState(projectDir: string): Promise<Buffer | null> {
  try {
    return await readFile(join(projectDir, LOCAL_STATE_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Puts exactly `state` in place as the local backend's state: written when there is one, any state
 * file removed when there is none (a new stack), so OpenTofu sees what the plan saw.
 */
export async function prepareLocalState(projectDir: string, state: Buffer | null | undefined): Promise<void> {
  if (state && state.length > 0) {
    await writeLocalState(projectDir, state);
    return;
  }
  await Promise.all([...LOCAL_STATE_FILES].map((name) => rm(join(projectDir, name), { force: true })));
}

export interface StateOutput {
  value: unknown;
  sensitive: boolean;
  type?: unknown;
}

/**
 * The root module's outputs as `tofu output -json` prints them, read from a local state file
 * (format version 4: `outputs: { name: { value, type, sensitive } }`); null when the bytes are not
 * such a state (e.g. an encrypted state), and the vendor must be asked.
 */
export function outputsFromState(state: Buffer | null): Record<string, StateOutput> | null {
  if (state === null) return null;
  let document: unknown;
  try {
    document = JSON.parse(state.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof document !== 'object' || document === null) return null;
  const { version, outputs } = document as { version?: unknown; outputs?: unknown };
  if (version !== 4) return null;
  if (outputs === undefined) return {};
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) return null;
  const result: Record<string, StateOutput> = {};
  for (const [name, output] of Object.entries(outputs as Record<string, unknown>)) {
    if (typeof output !== 'object' || output === null || !('value' in output)) return null;
    const { value, type, sensitive } = output as { value: unknown; type?: unknown; sensitive?: unknown };
    result[name] = { value, sensitive: sensitive === true, ...(type !== undefined ? { type } : {}) };
  }
  return result;
}
