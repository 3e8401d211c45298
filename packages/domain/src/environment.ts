// Names in a run's environment that belong to Gantry. The runner sets them itself (or they would
// move the workspace: TF_DATA_DIR must stay .terraform so the plan archive carries it), and GANTRY_*
// is the worker's own configuration; a stack variable may not replace any of them. The one list:
// core validates variables against it when they are written, the runner when it builds a run's
// environment.

export const RESERVED_ENVIRONMENT_NAMES: ReadonlySet<string> = new Set([
  'PATH',
  'HOME',
  'TMPDIR',
  'TF_CLI_CONFIG_FILE',
  'TF_IN_AUTOMATION',
  'TF_INPUT',
  'TF_DATA_DIR',
]);

/** Prefix of the worker's own configuration; never part of a run's environment. */
export const RESERVED_ENVIRONMENT_PREFIX = 'GANTRY_';

export function isReservedEnvironmentName(name: string): boolean {
  return RESERVED_ENVIRONMENT_NAMES.has(name) || name.startsWith(RESERVED_ENVIRONMENT_PREFIX);
}
