import { createPrismaClient } from '@gantry/db';
import { createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';

// A worker lost during an apply leaves the stack locked (the reaper does it; see packages/core
// runs/reaper.ts). Losing a worker mid-apply on purpose would take the suite's only worker down,
// so this test locks the stack the way the reaper does, then checks what a person sees and does.
test('a stack locked by an interrupted apply says so everywhere, queues new runs, and a writer unlocks it', async ({ page }) => {
  const user = await signUp(page);
  const stackId = await createStack(page, user, 'locked-net', { projectRoot: 'broken' });

  // A run to blame: the broken configuration fails at once.
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 });
  const lockingRunPath = new URL(page.url()).pathname;
  const lockingRunId = lockingRunPath.split('/').pop()!;

  const db = createPrismaClient(process.env.E2E_DATABASE_URL!);
  try {
    await db.stack.update({
      where: { id: stackId },
      data: { lockedReason: `the apply of run ${lockingRunId} was interrupted (worker lost during apply)`, lockedByRunId: lockingRunId },
    });
  } finally {
    await db.$disconnect();
  }

  // The failed run tells the way forward: unlock, not Retry.
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: 'The run failed' })).toContainText('the stack stays locked');

  // The stacks list marks the stack.
  await page.goto(`/${user.accountSlug}/stacks`);
  await expect(page.getByRole('row').filter({ hasText: 'locked-net' })).toContainText('locked');

  // The stack page says why, and links the run by its short id.
  await page.getByRole('link', { name: 'locked-net', exact: true }).click();
  const banner = page.getByRole('status').filter({ hasText: 'This stack is locked' });
  await expect(banner).toContainText('was interrupted (worker lost during apply)');
  await expect(banner.getByRole('link', { name: lockingRunId.slice(-8), exact: true })).toHaveAttribute('href', lockingRunPath);

  // A new run waits, saying why.
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL((url) => /\/runs\/[^/]+$/.test(url.pathname) && url.pathname !== lockingRunPath);
  const queuedRunUrl = page.url();
  await expect(runStateBadge(page)).toHaveText('QUEUED');
  await expect(page.getByRole('status').filter({ hasText: 'Waiting in the queue' })).toContainText('Stack is locked');

  // Unlocking asks first; then the banner goes and the waiting run starts.
  await page.getByRole('link', { name: 'locked-net' }).click();
  await banner.getByRole('button', { name: 'Unlock stack' }).click();
  const dialog = page.getByRole('dialog', { name: 'Unlock this stack?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(banner).toBeVisible();
  await banner.getByRole('button', { name: 'Unlock stack' }).click();
  await dialog.getByRole('button', { name: 'Unlock stack' }).click();
  await expect(banner).toBeHidden();
  await page.goto(queuedRunUrl);
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 }); // it ran: the configuration is broken
});
