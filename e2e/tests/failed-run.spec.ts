import { createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';
import { BROKEN_CONFIG_ERROR } from '../support/stack-config.ts';

test('a failed run shows what went wrong and can be retried', async ({ page }) => {
  const user = await signUp(page);
  await createStack(page, user, 'broken', { projectRoot: 'broken' });

  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'The run failed' })).toBeVisible();
  await expect(page.getByRole('log')).toContainText(BROKEN_CONFIG_ERROR);

  const failedUrl = page.url();
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.waitForURL((url) => /\/runs\/[^/]+$/.test(url.pathname) && url.href !== failedUrl);
  await expect(page.getByText('retry', { exact: false }).first()).toBeVisible();
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 });
});
