import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { RunnerError } from '../errors.ts';

/** "infra/app/", "/infra/app", "./infra/app" → "infra/app"; "", "/", "." → "". Refuses paths leaving the repository. */
export function normalizeProjectRoot(projectRoot: string | undefined): string {
  const trimmed = (projectRoot ?? '').trim().replace(/\\/g, '/');
  const normalized = posix.normalize(`/${trimmed}`).replace(/^\/+|\/+$/g, '');
  if (trimmed.split('/').includes('..')) {
    throw new RunnerError('INVALID_INPUT', `Project root "${projectRoot}" must stay inside the repository`);
  }
  return normalized === '.' ? '' : normalized;
}

/** The project directory inside a checkout; a clear error when the commit has no such directory. */
export async function resolveProjectDir(sourceDir: string, projectRoot: string, commitSha: string): Promise<string> {
  const dir = join(sourceDir, projectRoot);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new RunnerError(
      'PROJECT_ROOT_NOT_FOUND',
      `Project root "${projectRoot}" does not exist in commit ${commitSha.slice(0, 12)}`,
    );
  }
  return dir;
}
