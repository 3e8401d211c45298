import { gunzipSync, gzipSync } from 'node:zlib';
import { sealContext, type SecretBox } from '../crypto/secret-box.ts';

/**
 * One planned change of a resource, as the run page shows it. Values marked sensitive by the plan
 * and the stack's secret values are masked by the runner before they get here; the rest still comes
 * from the state, so the list is stored encrypted (see sealResourceChanges).
 */
export interface ResourceChange {
  address: string;
  /** The runner's one-word action: create, update, delete, replace, read, no-op or forget. */
  action?: string;
  /** OpenTofu's own action list, e.g. ['delete', 'create']. */
  actions: string[];
  before: unknown;
  after: unknown;
  /**
   * Same shape as `after`, `true` where the value is known only after apply (the UI shows
   * "(known after apply)"). `{}` or absent when every value is known.
   */
  afterUnknown?: unknown;
}

/** Gzipped JSON, sealed to the run (a ciphertext moved to another run or account does not open). */
export function sealResourceChanges(box: SecretBox, accountId: string, runId: string, changes: readonly ResourceChange[]): Uint8Array<ArrayBuffer> {
  const plain = changes.map((change) => ({
    address: change.address,
    ...(change.action !== undefined ? { action: change.action } : {}),
    actions: change.actions,
    before: change.before ?? null,
    after: change.after ?? null,
    afterUnknown: change.afterUnknown ?? {},
  }));
  return box.seal(gzipSync(JSON.stringify(plain)), sealContext.resourceChanges(accountId, runId));
}

export function openResourceChanges(box: SecretBox, accountId: string, runId: string, sealed: Uint8Array | null): ResourceChange[] | null {
  if (!sealed) return null;
  const json = gunzipSync(box.open(sealed, sealContext.resourceChanges(accountId, runId))).toString('utf8');
  return JSON.parse(json) as ResourceChange[];
}
