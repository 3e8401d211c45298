// The LogChunkStore port against real SQL (Postgres ordering, duplicates, text fidelity), and the
// in-memory store used by unit tests against the same contract.
import { createMemoryLogChunkStore } from './testing/memory-log-chunk-store.ts';
import { describeLogChunkStoreContract } from './testing/log-chunk-store-contract.ts';
import { createPgLogChunkStore, createTestDatabase } from './testing/pg-log-chunk-store.ts';

describeLogChunkStoreContract('postgres (pg)', async () => {
  const db = await createTestDatabase();
  const store = await createPgLogChunkStore(db.pool);
  return { store, teardown: db.drop };
});

describeLogChunkStoreContract('memory', async () => ({ store: createMemoryLogChunkStore() }));
