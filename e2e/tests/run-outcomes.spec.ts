import { createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';

test('a run whose plan changes nothing says "No changes" in its header and in the runs list', async ({ page }) => {
  const user = await signUp(page);
  await createStack(page, user, 'steady', { projectRoot: 'noop' });
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('FINISHED', { timeout: 90_000 });
  const header = page.locator('header').first();
  await expect(header.getByText('No changes', { exact: true })).toBeVisible();

  await page.getByRole('link', { name: 'steady' }).click();
  const runs = page.getByRole('table', { name: 'Runs, newest first' });
  await expect(runs.getByRole('link', { name: /^FINISHED No changes \(run [0-9a-f]{8}\)$/ })).toBeVisible();
  await expect(runs.getByText('No changes', { exact: true })).toBeVisible();
});
