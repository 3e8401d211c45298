import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export { PrismaClient };

export interface PrismaClientOptions {
  /** Connections in this process's pool (pg default: 10). */
  poolSize?: number;
}

/**
 * The raw client. Only packages/db and packages/core's system use-cases may hold it: everything
 * that reads or writes account data goes through `forAccount`.
 */
export function createPrismaClient(databaseUrl: string, options: PrismaClientOptions = {}): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 }),
  });
}
