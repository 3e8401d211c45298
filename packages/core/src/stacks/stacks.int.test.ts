import { DomainError } from '@gantry/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountScope } from '../context.ts';
import { discardRun, triggerRun } from '../runs/commands.ts';
import { createTestAccount, createTestServices, type TestServices } from '../testing.ts';
import { createStack, deleteStack, getStack, listStacks, unlockStack, updateStack } from './stacks.ts';

let t: TestServices;
let scope: AccountScope;
let counter = 0;

beforeAll(async () => {
  t = await createTestServices({ resolveCommit: async () => ({ sha: 'c0ffee', message: 'Commit' }) });
  ({ scope } = await createTestAccount(t.services, 'Stacks'));
});

afterAll(async () => {
  await t?.cleanup();
});

async function newStack() {
  counter += 1;
  return createStack(scope, { name: `last-run-${counter}`, repositoryUrl: '/srv/git/infra', branch: 'main' });
}

/** lastRun as stacks.list and stacks.get show it (they must agree). */
async function lastRunOf(stackId: string) {
  await scope.services.commitPins.settle(); // a trigger's background pin may record the commit between the two reads
  const listed = (await listStacks(scope)).find((s) => s.id === stackId)?.lastRun ?? null;
  const single = (await getStack(scope, stackId)).lastRun;
  expect(single).toEqual(listed);
  return listed ? { id: listed.id, state: listed.state } : null;
}

describe('stacks.list lastRun: the run that represents the stack', () => {
  it('a stack that never ran, or ran only proposed runs, has none', async () => {
    const stack = await newStack();
    expect(await lastRunOf(stack.id)).toBeNull();
    await triggerRun(scope, { stackId: stack.id, type: 'PROPOSED' });
    expect(await lastRunOf(stack.id)).toBeNull();
  });

  it('the lock holder, even when later runs were queued and canceled or proposed', async () => {
    const stack = await newStack();
    const holder = await triggerRun(scope, { stackId: stack.id });
    const queued = await triggerRun(scope, { stackId: stack.id });
    expect([holder.state, queued.state]).toEqual(['READY', 'QUEUED']);
    expect(await lastRunOf(stack.id)).toEqual({ id: holder.id, state: 'READY' });
    await discardRun(scope, queued.id);
    await triggerRun(scope, { stackId: stack.id, type: 'PROPOSED' });
    expect(await lastRunOf(stack.id)).toEqual({ id: holder.id, state: 'READY' });
  });

  it('without a holder: the newest tracked run (not a newer proposed run)', async () => {
    const stack = await newStack();
    const first = await triggerRun(scope, { stackId: stack.id });
    await discardRun(scope, first.id);
    const second = await triggerRun(scope, { stackId: stack.id });
    await discardRun(scope, second.id);
    await triggerRun(scope, { stackId: stack.id, type: 'PROPOSED' });
    expect(await lastRunOf(stack.id)).toEqual({ id: second.id, state: 'CANCELED' });
  });

  it('a stack locked by an interrupted apply shows that run until it is unlocked', async () => {
    const stack = await newStack();
    const interrupted = await triggerRun(scope, { stackId: stack.id });
    // What the reaper leaves behind after a lost apply (see reaper.ts).
    await t.services.prisma.run.update({ where: { id: interrupted.id }, data: { state: 'FAILED', finishedAt: new Date() } });
    await t.services.prisma.stack.update({ where: { id: stack.id }, data: { lockedReason: 'apply interrupted', lockedByRunId: interrupted.id } });
    const waiting = await triggerRun(scope, { stackId: stack.id });
    expect(waiting.state).toBe('QUEUED');
    expect(await lastRunOf(stack.id)).toEqual({ id: interrupted.id, state: 'FAILED' });
    await unlockStack(scope, stack.id);
    expect(await lastRunOf(stack.id)).toEqual({ id: waiting.id, state: 'READY' });
  });

  it('lists many stacks with the right run each', async () => {
    const a = await newStack();
    const b = await newStack();
    const runA = await triggerRun(scope, { stackId: a.id });
    const runB1 = await triggerRun(scope, { stackId: b.id });
    await triggerRun(scope, { stackId: b.id });
    const list = await listStacks(scope);
    expect(list.find((s) => s.id === a.id)?.lastRun?.id).toBe(runA.id);
    expect(list.find((s) => s.id === b.id)?.lastRun?.id).toBe(runB1.id);
  });
});

describe('stack names', () => {
  it('are unique per account whatever their case, with the same conflict on the name field', async () => {
    await createStack(scope, { name: 'case-Demo', repositoryUrl: '/srv/git/infra', branch: 'main' });
    for (const name of ['case-demo', 'CASE-DEMO', ' Case-Demo ']) {
      const error = await createStack(scope, { name, repositoryUrl: '/srv/git/infra', branch: 'main' }).catch((e: unknown) => e as DomainError);
      expect(error, name).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('CONFLICT');
      expect((error as DomainError).details).toMatchObject({ field: 'name', fieldErrors: { name: [`A stack named "${name.trim()}" already exists in this account`] } });
    }
    // Renaming another stack onto it differs only by case: refused the same way.
    const other = await createStack(scope, { name: 'case-other', repositoryUrl: '/srv/git/infra', branch: 'main' });
    const renamed = await updateStack(scope, { id: other.id, name: 'CASE-demo' }).catch((e: unknown) => e as DomainError);
    expect((renamed as DomainError).details).toMatchObject({ field: 'name', fieldErrors: { name: ['A stack named "CASE-demo" already exists in this account'] } });
    // A stack may change the case of its own name; other accounts have names of their own.
    expect((await updateStack(scope, { id: other.id, name: 'Case-Other' })).name).toBe('Case-Other');
    const { scope: elsewhere } = await createTestAccount(t.services, 'Stacks Elsewhere');
    expect((await createStack(elsewhere, { name: 'CASE-DEMO', repositoryUrl: '/srv/git/infra', branch: 'main' })).name).toBe('CASE-DEMO');
    // Lookups by name ignore case too.
    expect((await listStacks(scope, { search: 'CASE-DEMO' })).map((s) => s.name)).toEqual(['case-Demo']);
  });
});

describe('stack messages people read', () => {
  it('a garbage repository URL says what is wrong and which forms work, once', async () => {
    const error = await createStack(scope, { name: 'garbage-url', repositoryUrl: 'not a url at all', branch: 'main' }).catch((e: unknown) => e as DomainError);
    expect(error).toBeInstanceOf(DomainError);
    const messages = (error as DomainError).details.fieldErrors?.repositoryUrl ?? [];
    expect(messages).toEqual(['Repository URL is not valid: not a url at all. Use https://…, ssh://…, user@host:path, file://… or an absolute path']);
    const empty = await createStack(scope, { name: 'empty-url', repositoryUrl: '  ', branch: 'main' }).catch((e: unknown) => e as DomainError);
    expect((empty as DomainError).details.fieldErrors?.repositoryUrl).toEqual(['Enter the repository URL']);
  });

  it('deleting a stack with an active run names the run by short id, with the full id beside', async () => {
    const stack = await newStack();
    const active = await triggerRun(scope, { stackId: stack.id });
    const error = await deleteStack(scope, stack.id).catch((e: unknown) => e as DomainError);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toBe(`Run ${active.id.slice(-8)} is READY; stop or discard it before deleting the stack`);
    expect((error as DomainError).details).toMatchObject({ runId: active.id, state: 'READY' });
  });
});
