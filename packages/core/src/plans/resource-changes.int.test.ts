import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountScope } from '../context.ts';
import { triggerRun } from '../runs/commands.ts';
import { advance, claimPhase, recordPlan } from '../runs/phases.ts';
import { getRun } from '../runs/queries.ts';
import { createStack } from '../stacks/stacks.ts';
import { createTestAccount, createTestServices, type TestServices } from '../testing.ts';

let t: TestServices;
let scope: AccountScope;
const worker = { id: 'plans-test-worker', leaseMs: 60_000 };

beforeAll(async () => {
  t = await createTestServices({ resolveCommit: async () => ({ sha: 'c0ffee', message: 'Commit' }) });
  ({ scope } = await createTestAccount(t.services, 'Plans'));
});

afterAll(async () => {
  await t?.cleanup();
});

describe('a recorded plan’s resource changes', () => {
  it('are stored encrypted and come back through runs.get with afterUnknown', async () => {
    const stack = await createStack(scope, { name: 'plans', repositoryUrl: '/srv/git/infra', branch: 'main' });
    const { id: runId } = await triggerRun(scope, { stackId: stack.id });
    const claimed = await claimPhase(scope, runId, 'plan', worker);
    if (!claimed) throw new Error('not claimed');
    await advance(scope, runId, claimed.leaseToken, { type: 'START_INITIALIZING' }, { actorId: worker.id });
    await advance(scope, runId, claimed.leaseToken, { type: 'START_PLANNING' }, { actorId: worker.id });
    const resourceChanges = [
      {
        address: 'terraform_data.db',
        action: 'create',
        actions: ['create'],
        before: null,
        after: { input: { host: 'db.internal.example', password: '(sensitive)' }, id: null },
        afterUnknown: { id: true, output: true },
      },
    ];
    await recordPlan(
      scope,
      runId,
      claimed.leaseToken,
      { hasChanges: true, summary: { add: 1, change: 0, destroy: 0, replace: 0 }, resourceChanges, planFileSha256: 'a'.repeat(64), archive: Buffer.from('archive') },
      worker.id,
    );

    const run = await getRun(scope, runId);
    expect(run.state).toBe('UNCONFIRMED');
    expect(run.resourceChanges).toEqual(resourceChanges);

    // At rest: no plain JSON column, and the ciphertext does not show the values.
    const columns = await t.services.prisma.$queryRaw<{ column_name: string }[]>`
      SELECT column_name::text FROM information_schema.columns WHERE table_name = 'Run' AND column_name ILIKE 'resourceChanges%'`;
    expect(columns.map((c) => c.column_name)).toEqual(['resourceChangesCiphertext']);
    const row = await t.services.prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { resourceChangesCiphertext: true } });
    const stored = Buffer.from(row.resourceChangesCiphertext!);
    expect(stored.includes(Buffer.from('db.internal.example'))).toBe(false);
    expect(stored.includes(Buffer.from('terraform_data.db'))).toBe(false);
  });
});
