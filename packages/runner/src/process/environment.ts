import { dirname, join } from 'node:path';
import { isReservedEnvironmentName } from '@gantry/domain';
import { RunnerError } from '../errors.ts';

export interface RunVariable {
  name: string;
  value: string;
  /** Secret values are masked in the log. */
  secret?: boolean;
}

/** Where a phase keeps its HOME, TMPDIR and CLI configuration inside its workspace. */
export interface WorkspaceLayout {
  home: string;
  tmp: string;
  cliConfigFile: string;
  /**
   * Written just before `apply` starts: a workspace that has it may hold the only record of what an
   * interrupted apply changed (its local state), so it is never removed behind an operator's back.
   */
  applyStartedFile: string;
}

export function workspaceLayout(workspaceDir: string): WorkspaceLayout {
  const gantryDir = join(workspaceDir, '.gantry');
  return {
    home: join(gantryDir, 'home'),
    tmp: join(gantryDir, 'tmp'),
    cliConfigFile: join(gantryDir, 'tofurc'),
    applyStartedFile: join(gantryDir, 'apply-started'),
  };
}

// The reserved names are domain rules, shared with core's validation of stack variables.
export { isReservedEnvironmentName, RESERVED_ENVIRONMENT_NAMES, RESERVED_ENVIRONMENT_PREFIX } from '@gantry/domain';

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SYSTEM_PATH = ['/usr/local/bin', '/usr/bin', '/bin'];

export interface BuildRunEnvironmentInput {
  workspaceDir: string;
  /** Absolute path of the tofu/terraform binary; its directory comes first in PATH. */
  vendorBinary: string;
  variables: RunVariable[];
  /** The run's short-lived credentials (AWS_*, tokens); they win over stack variables of the same name. */
  credentials?: Record<string, string>;
}

/**
 * The complete environment of a run's processes. Nothing comes from the worker's own environment
 * (which holds DATABASE_URL, REDIS_URL, AUTH_SECRET, GANTRY_*): a fixed PATH, a HOME and TMPDIR
 * inside the workspace, an empty CLI configuration, then the stack's variables and the credentials.
 */
export function buildRunEnvironment(input: BuildRunEnvironmentInput): Record<string, string> {
  const layout = workspaceLayout(input.workspaceDir);
  const pathDirs = [dirname(input.vendorBinary), ...SYSTEM_PATH.filter((dir) => dir !== dirname(input.vendorBinary))];
  const env: Record<string, string> = {
    LANG: 'C.UTF-8',
    CHECKPOINT_DISABLE: '1',
  };

  for (const variable of input.variables) {
    assertUsableVariable(variable.name, variable.value, 'Variable');
    env[variable.name] = variable.value;
  }
  for (const [name, value] of Object.entries(input.credentials ?? {})) {
    assertUsableVariable(name, value, 'Credential');
    env[name] = value;
  }

  return {
    ...env,
    PATH: pathDirs.join(':'),
    HOME: layout.home,
    TMPDIR: layout.tmp,
    TF_CLI_CONFIG_FILE: layout.cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
  };
}

function assertUsableVariable(name: string, value: string, what: string): void {
  if (!VARIABLE_NAME.test(name)) {
    throw new RunnerError('INVALID_INPUT', `${what} name "${name}" is not a valid environment variable name`);
  }
  if (isReservedEnvironmentName(name)) {
    throw new RunnerError('INVALID_INPUT', `${what} "${name}" is set by Gantry and cannot be overridden`);
  }
  if (typeof value !== 'string' || value.includes('\0')) {
    throw new RunnerError('INVALID_INPUT', `${what} "${name}" has a value that cannot be passed to a process`);
  }
}
