import { runProcess } from '../process/run-process.ts';
import { binaryIdentity } from './binary.ts';

/** Version lines by binary (path, inode, size, mtime): a binary replaced in place is asked again. */
const known = new Map<string, Promise<string | null>>();

/**
 * The first line of `<binary> version` (e.g. "OpenTofu v1.6.2"), asked once per binary per process:
 * every later phase gets it without starting a process. Null when the binary does not say.
 */
export async function vendorVersion(binary: string, env: Record<string, string>, cwd: string): Promise<string | null> {
  const key = await binaryIdentity(binary);
  if (!key) return null;
  let version = known.get(key);
  if (!version) {
    version = runProcess({ command: binary, args: ['version'], cwd, env, captureStdout: true, timeoutMs: 10_000, killGraceMs: 1_000 })
      .then((result) => {
        const line = result.exitCode === 0 ? result.stdout.trim().split('\n')[0]?.trim() : undefined;
        return line && /^(OpenTofu|Terraform) v\S+$/.test(line) ? line : null;
      })
      .catch(() => null);
    known.set(key, version);
    // A failed probe is not remembered: the next phase asks again.
    void version.then((line) => {
      if (line === null && known.get(key) === version) known.delete(key);
    });
  }
  return version;
}
