/**
 * A finished run whose plan changed nothing: shown as "No changes", so it does not read like a run
 * that applied something.
 */
export function isNoChangesRun(run: { state: string; hasChanges: boolean | null }): boolean {
  return run.state === 'FINISHED' && run.hasChanges === false;
}
