import { spawn } from 'node:child_process';
import { GitAbortedError, GitError } from './errors.ts';

export interface RunGitOptions {
  cwd: string;
  env: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Strings to replace with ***** in error messages (tokens, URLs with credentials). */
  redact?: string[];
}

export interface GitOutput {
  stdout: string;
  stderr: string;
}

const KILL_GRACE_MS = 2_000;

export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join('*****');
  }
  return result;
}

/**
 * Runs git with exactly `env` and collects its output. A non-zero exit becomes a GitError whose
 * message is git's stderr; abort and time-out stop git's whole process group (git spawns
 * upload-pack, ssh or remote helpers).
 */
export function runGit(args: string[], options: RunGitOptions): Promise<GitOutput> {
  const redact = options.redact ?? [];
  return new Promise<GitOutput>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new GitAbortedError(`git ${args[0] ?? ''} was aborted before it started`));
      return;
    }
    const child = spawn('git', args, {
      cwd: options.cwd,
      // Cast: Next.js (which bundles this through @gantry/core) declares ProcessEnv.NODE_ENV required.
      env: options.env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    let stopReason: 'aborted' | 'timed out' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: 'aborted' | 'timed out') => {
      if (stopReason || child.pid === undefined) return;
      stopReason = reason;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), KILL_GRACE_MS);
    };
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = options.timeoutMs ? setTimeout(() => stop('timed out'), options.timeoutMs) : undefined;

    const finish = () => {
      options.signal?.removeEventListener('abort', onAbort);
      if (timeout) clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
    };

    child.on('error', (error) => {
      finish();
      reject(new GitError(`git could not be started: ${error.message}`, { cause: error }));
    });
    child.on('close', (code) => {
      finish();
      const out = Buffer.concat(stdout).toString('utf8');
      const err = redactText(Buffer.concat(stderr).toString('utf8'), redact).trim();
      if (stopReason) {
        reject(new GitAbortedError(`git ${args[0] ?? ''} ${stopReason}`, { stderr: err, exitCode: code }));
      } else if (code !== 0) {
        reject(new GitError(err || `git ${args[0] ?? ''} exited with code ${code}`, { stderr: err, exitCode: code }));
      } else {
        resolve({ stdout: out, stderr: err });
      }
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
