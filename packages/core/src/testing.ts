// Test support for packages that use core (import from '@gantry/core/testing' in tests only):
// a fresh migrated database with services over it, and signed-up users with their account scopes.
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@gantry/db/testing';
import type { AccountScope } from './context.ts';
import { createCoreServices, scopeServices, type CoreServices, type CoreServicesOptions } from './services.ts';
import { accountScopeForUser, signUp } from './users/users.ts';

export const testRedisUrl = process.env.GANTRY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestServices {
  services: CoreServices;
  database: TestDatabase;
  encryptionKey: Buffer;
  cleanup(): Promise<void>;
}

export async function createTestServices(options: Partial<Omit<CoreServicesOptions, 'databaseUrl' | 'encryptionKey'>> = {}): Promise<TestServices> {
  const database = await createTestDatabase();
  const encryptionKey = randomBytes(32);
  // Runs are pinned to their branch head right after the trigger, READY ones too (no worker waits for
  // them in most tests): tests that settle pins need not wait for the delay.
  const services = createCoreServices({ databaseUrl: database.url, redisUrl: null, encryptionKey, poolSize: 5, commitPinDelayMs: 0, ...options });
  return {
    services,
    database,
    encryptionKey,
    async cleanup() {
      await services.close();
      await database.drop();
    },
  };
}

let counter = 0;

/** Signs up a new user with a new account and returns the user's scope in it. */
export async function createTestAccount(services: CoreServices, name = 'Test'): Promise<{ scope: AccountScope; userId: string; email: string; password: string }> {
  counter += 1;
  const email = `user${counter}-${randomBytes(4).toString('hex')}@example.test`;
  const password = 'correct horse battery';
  const { user, account } = await signUp(services.prisma, { email, password, name: `${name} User`, accountName: `${name} ${counter}` });
  const scope = await accountScopeForUser(services.prisma, scopeServices(services), user.id, account.slug);
  return { scope, userId: user.id, email, password };
}
