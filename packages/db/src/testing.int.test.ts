import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './testing.ts';

describe('createTestDatabase', () => {
  const made: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => d.drop()));
  });

  it('gives each caller its own migrated database', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    made.push(a!, b!);
    expect(a!.name).not.toEqual(b!.name);
    for (const db of [a!, b!]) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      const r = await c.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`);
      await c.end();
      expect(r.rows[0].n).toBeGreaterThanOrEqual(1);
    }
  });

  it('drops the database', async () => {
    const db = await createTestDatabase();
    await db.drop();
    const c = new pg.Client({ connectionString: db.url });
    await expect(c.connect()).rejects.toThrow(/does not exist/);
  });
});
