import { createHash } from 'node:crypto';
import type { StackStateRow, StoredStateRow, TenantDb, TenantTx } from '@gantry/db';
import type { AccountScope } from '../context.ts';
import { sealContext } from '../crypto/secret-box.ts';
import { lockStackOnce } from '../runs/transition.ts';

export interface StoredState {
  version: number;
  bytes: Buffer;
  sha256: string;
}

/** The stack's current state file (decrypted), or null for a stack that never applied. */
export async function loadCurrentState(scope: AccountScope, stackId: string): Promise<StoredState | null> {
  const row = await scope.db.stackState.findFirst({ where: { stackId }, orderBy: { version: 'desc' } });
  return row ? openStoredState(scope, stackId, row) : null;
}

/** A stored state version, decrypted. */
export function openStoredState(scope: AccountScope, stackId: string, row: StoredStateRow): StoredState {
  const bytes = scope.services.secretBox.open(row.ciphertext, sealContext.state(scope.account.id, stackId, row.version));
  return { version: row.version, bytes, sha256: row.sha256 };
}

function stateHeader(bytes: Buffer): { serial: number | null; lineage: string | null } {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { serial?: unknown; lineage?: unknown };
    return {
      serial: typeof parsed.serial === 'number' ? parsed.serial : null,
      lineage: typeof parsed.lineage === 'string' ? parsed.lineage : null,
    };
  } catch {
    return { serial: null, lineage: null };
  }
}

/**
 * Stores a new version of the stack's state if it differs from the current one. Versions are kept
 * (history); the newest is the current state. Returns the version now current.
 */
export async function storeState(
  scope: AccountScope,
  stackId: string,
  runId: string | null,
  bytes: Buffer,
): Promise<{ version: number; changed: boolean }> {
  return scope.db.transaction((tx: TenantTx) => storeStateInTx(scope, tx, stackId, runId, bytes));
}

/** storeState inside the caller's transaction (locks the stack row first). */
export async function storeStateInTx(
  scope: AccountScope,
  tx: TenantTx,
  stackId: string,
  runId: string | null,
  bytes: Buffer,
): Promise<{ version: number; changed: boolean }> {
  const next = await nextStateVersion(scope, tx, stackId, runId, bytes);
  if (!next.row) return { version: next.version, changed: false };
  await tx.stackState.create({ data: { accountId: tx.accountId, ...next.row } });
  return { version: next.version, changed: true };
}

/**
 * The next version of the stack's state, encrypted, ready to insert (with the stack row locked, so
 * nobody else takes that version); null when `bytes` is the current state already.
 */
export async function newStateVersionInTx(
  scope: AccountScope,
  tx: TenantTx,
  stackId: string,
  runId: string | null,
  bytes: Buffer,
): Promise<StackStateRow | null> {
  return (await nextStateVersion(scope, tx, stackId, runId, bytes)).row;
}

async function nextStateVersion(
  scope: AccountScope,
  tx: TenantTx,
  stackId: string,
  runId: string | null,
  bytes: Buffer,
): Promise<{ version: number; row: StackStateRow | null }> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await lockStackOnce(tx, stackId);
  const current = await tx.stackState.findFirst({ where: { stackId }, orderBy: { version: 'desc' }, select: { version: true, sha256: true } });
  if (current?.sha256 === sha256) return { version: current.version, row: null };
  const version = (current?.version ?? 0) + 1;
  return {
    version,
    row: {
      stackId,
      version,
      ...stateHeader(bytes),
      ciphertext: scope.services.secretBox.seal(bytes, sealContext.state(tx.accountId, stackId, version)),
      sha256,
      sizeBytes: bytes.length,
      runId,
    },
  };
}

export async function listStateVersions(db: TenantDb, stackId: string) {
  return db.stackState.findMany({
    where: { stackId },
    orderBy: { version: 'desc' },
    select: { version: true, serial: true, lineage: true, sha256: true, sizeBytes: true, runId: true, createdAt: true },
  });
}
