import { Prisma, type PrismaClient } from './generated/prisma/client.ts';

/**
 * The database side of tenancy (row-level security, migration `row_level_security`). Every query of
 * a tenant handle runs in a transaction that first switches to the `gantry_tenant` role and names
 * the account; the policies then show and accept only that account's rows. Both settings are
 * transaction-local (`set_config(…, true)`), so a pooled connection goes back to the login role —
 * the system path — when the transaction ends.
 */

/** The role tenant transactions run as (subject to row-level security). */
export const TENANT_ROLE = 'gantry_tenant';
/** The role whose policies allow every row; the application's login role is a member. */
export const SYSTEM_ROLE = 'gantry_system';
/** The transaction-local setting the policies compare `accountId` with. */
export const ACCOUNT_SETTING = 'app.account_id';

/** The one statement that turns a transaction into a tenant transaction. */
export function tenantSessionSql(accountId: string): Prisma.Sql {
  return Prisma.sql`SELECT set_config('role', ${TENANT_ROLE}, true), set_config(${ACCOUNT_SETTING}, ${accountId}, true)`;
}

/**
 * Runs `fn` in a tenant transaction over the raw client: row-level security only, WITHOUT the first
 * line of defence (no accountId injected, raw SQL allowed). For tests and measurements of the second
 * line; application code uses `forAccount`.
 */
export function withTenantSession<T>(
  prisma: PrismaClient,
  accountId: string,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw(tenantSessionSql(accountId));
    return fn(tx);
  });
}
