import type { Prisma, TenantTx, TenantDb } from '@gantry/db';
import type { Actor } from './context.ts';

/** Appends an audit entry. Never put secret values in `data`. */
export async function audit(
  db: TenantTx | TenantDb,
  actor: Actor,
  action: string,
  target: { type: string; id: string },
  data?: Prisma.InputJsonValue,
): Promise<void> {
  await db.auditEntry.create({
    data: {
      accountId: db.accountId,
      actorKind: actor.kind,
      actorId: actor.id ?? null,
      action,
      targetType: target.type,
      targetId: target.id,
      ...(data === undefined ? {} : { data }),
    },
  });
}
