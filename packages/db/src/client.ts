import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';
import { GantryPgClient } from './statements.ts';

export { PrismaClient };

export interface PrismaClientOptions {
  /** Connections in this process's pool (pg default: 10). */
  poolSize?: number;
}

/**
 * The raw client. Only packages/db and packages/core's system use-cases may hold it: everything
 * that reads or writes account data goes through `forAccount`. Its connections are
 * `GantryPgClient`s (statements.ts): a tenant transaction's BEGIN carries its session settings, and
 * statements can be observed for measurements.
 */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10, Client: GantryPgClient });
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
}
