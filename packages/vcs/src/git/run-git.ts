import { processStartError, spawnProcess, SPAWNER_EXITED, type ProcessEvent } from '@gantry/process';
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
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stopReason: 'aborted' | 'timed out' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let timeout: NodeJS.Timeout | undefined;
    let exitCode: number | null = null;
    const finish = () => {
      options.signal?.removeEventListener('abort', onAbort);
      if (timeout) clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
    };
    const onEvent = (event: ProcessEvent) => {
      if (event.type === 'data') {
        (event.fd === 1 ? stdout : stderr).push(event.chunk);
      } else if (event.type === 'exit') {
        exitCode = event.code;
      } else if (event.type === 'error') {
        finish();
        const error = processStartError(event);
        reject(new GitError(event.code === SPAWNER_EXITED ? event.message : `git could not be started: ${event.message}`, { cause: error }));
      } else {
        finish();
        const out = Buffer.concat(stdout).toString('utf8');
        const err = redactText(Buffer.concat(stderr).toString('utf8'), redact).trim();
        if (stopReason) {
          reject(new GitAbortedError(`git ${args[0] ?? ''} ${stopReason}`, { stderr: err, exitCode }));
        } else if (exitCode !== 0) {
          reject(new GitError(err || `git ${args[0] ?? ''} exited with code ${exitCode}`, { stderr: err, exitCode }));
        } else {
          resolve({ stdout: out, stderr: err });
        }
      }
    };
    // Through the worker's spawner child when it has one (see @gantry/process).
    const child = spawnProcess({ command: 'git', args, cwd: options.cwd, env: options.env, mergeOutput: false, killGroupOnExit: false }, onEvent);
    const stop = (reason: 'aborted' | 'timed out') => {
      if (stopReason) return;
      stopReason = reason;
      child.signalGroup('SIGTERM');
      killTimer = setTimeout(() => child.signalGroup('SIGKILL'), KILL_GRACE_MS);
    };
    function onAbort() {
      stop('aborted');
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.timeoutMs) timeout = setTimeout(() => stop('timed out'), options.timeoutMs);
  });
}
