import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { workspaceLayout } from '@gantry/runner';

/**
 * Where a worker process keeps its runs' workspaces: a directory of its own under
 * `<GANTRY_WORK_DIR>/runs`, named after its host, the host's boot and its pid, so that any worker on
 * the same host can tell when the owner is gone. A worker that ends normally removes each workspace
 * as its phase ends; one killed outright (SIGKILL, out of memory, power loss) leaves them behind,
 * with checkouts, plan files and state that hold unmasked values. Every worker removes the
 * workspaces of dead owners on its host when it starts and then now and then (sweepDeadOwners),
 * except those where an apply had started: their local state may be the only record of what that
 * apply changed, so they are moved to `<GANTRY_WORK_DIR>/interrupted-applies` for an operator.
 */
const RUNS_DIR = 'runs';
export const INTERRUPTED_APPLIES_DIR = 'interrupted-applies';
const SEPARATOR = '~';

interface Owner {
  host: string;
  boot: string;
  pid: number;
}

let owner: Owner | null = null;

/** This process (read once: none of it changes while it runs). */
function currentOwner(): Owner {
  owner ??= { host: hostname().replace(/[^A-Za-z0-9.-]/g, '-') || 'host', boot: bootId(), pid: process.pid };
  return owner;
}

/** Changes at every boot of the (virtual) machine; pids start over then. */
function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/[^0-9a-f]/gi, '') || 'unknown';
  } catch {
    return 'unknown';
  }
}

function ownerOf(name: string): Owner | null {
  const parts = name.split(SEPARATOR);
  if (parts.length !== 4 || !/^\d+$/.test(parts[2]!)) return null;
  return { host: parts[0]!, boot: parts[1]!, pid: Number(parts[2]) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the owner of a root (not this process's own) is gone for sure; another host's roots are
 * never judged. A root of this process's pid is another process's: it had the pid before this one
 * (a restarted container starts its worker with the same pid).
 */
function isDead(owner: Owner, self: Owner): boolean {
  if (owner.host !== self.host) return false;
  if (owner.boot !== self.boot) return owner.boot !== 'unknown' && self.boot !== 'unknown';
  return owner.pid === self.pid || !isAlive(owner.pid);
}

/** Creates this process's workspace root; `release` removes it (once every phase has ended). */
export async function createWorkspaceRoot(workDir: string): Promise<{ dir: string; release(): Promise<void> }> {
  const owner = currentOwner();
  const dir = join(workDir, RUNS_DIR, [owner.host, owner.boot, owner.pid, randomBytes(4).toString('hex')].join(SEPARATOR));
  await mkdir(dir, { recursive: true });
  return { dir, release: () => rm(dir, { recursive: true, force: true }) };
}

export interface SweepResult {
  /** Workspaces removed. */
  removed: string[];
  /** Workspaces of interrupted applies, moved aside: their new paths and whose apply it was (the marker's label). */
  kept: Array<{ dir: string; label: Record<string, string> }>;
}

/**
 * Removes (or, for interrupted applies, moves aside) the workspaces of dead workers on this host.
 * `ownRoot`: this process's root (never swept).
 */
export async function sweepDeadOwners(workDir: string, ownRoot: string): Promise<SweepResult> {
  const result: SweepResult = { removed: [], kept: [] };
  const self = currentOwner();
  const runsDir = join(workDir, RUNS_DIR);
  const roots = await readdir(runsDir).catch(() => [] as string[]);
  for (const root of roots) {
    if (join(runsDir, root) === ownRoot) continue;
    const owner = ownerOf(root);
    if (!owner || !isDead(owner, self)) continue;
    const rootDir = join(runsDir, root);
    for (const workspace of await readdir(rootDir).catch(() => [] as string[])) {
      const dir = join(rootDir, workspace);
      try {
        const marker = workspaceLayout(dir).applyStartedFile;
        if (existsSync(marker)) {
          const label = readLabel(marker);
          result.kept.push({ dir: await moveAside(workDir, dir, `${root}${SEPARATOR}${workspace}`), label });
        } else {
          await rm(dir, { recursive: true, force: true });
          result.removed.push(dir);
        }
      } catch (error) {
        // Another worker sweeping at the same moment got there first.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    // Only once empty: a workspace that could not be moved aside stays where it is.
    await rmdir(rootDir).catch(() => undefined);
  }
  return result;
}

/** The marker's string fields (whose apply it was); empty when it is not JSON (nothing else depends on it). */
function readLabel(marker: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(marker, 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

async function moveAside(workDir: string, dir: string, name: string): Promise<string> {
  const aside = join(workDir, INTERRUPTED_APPLIES_DIR, name);
  await mkdir(join(workDir, INTERRUPTED_APPLIES_DIR), { recursive: true });
  await rename(dir, aside);
  await writeFile(
    join(aside, 'README.txt'),
    'An apply was running in this workspace when its worker died. Its local state file (if the\n' +
      'configuration uses local state) may hold what that apply changed: compare it with the stack\n' +
      "before unlocking the stack in Gantry, then delete this directory: it holds the run's secrets.\n",
  ).catch(() => undefined);
  return aside;
}
