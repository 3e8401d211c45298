import { createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';
import { BROKEN_CONFIG_ERROR } from '../support/stack-config.ts';

test('a failed run shows what went wrong and can be retried', async ({ page }) => {
  const user = await signUp(page);
  await createStack(page, user, 'broken', { projectRoot: 'broken' });

  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 });
  const failure = page.getByRole('alert').filter({ hasText: 'The run failed' });
  await expect(failure).toBeVisible();
  await expect(page.getByRole('log')).toContainText(BROKEN_CONFIG_ERROR);
  // The error is said once, above the log, with what to do next; the timeline does not repeat it.
  await expect(failure).toContainText('What to do next');
  await expect(failure.getByRole('button', { name: /log$/ })).toBeVisible();
  // OpenTofu rejected the configuration: the next step is a fix pushed to the branch, not Retry.
  await expect(failure).toContainText('Fix main.tf line 2 in the repository and push it to main.');
  await expect(failure).toContainText('Retry would run the same commit again and fail the same way.');
  const error = (await failure.locator('pre').textContent())!.trim();
  expect(error.length).toBeGreaterThan(0);
  await expect(page.getByRole('list', { name: 'Run states' })).not.toContainText(error.split('\n')[0]!);
  await expect(page.locator('main').getByText(error.split('\n')[0]!, { exact: false })).toHaveCount(1);

  const failedUrl = page.url();
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.waitForURL((url) => /\/runs\/[^/]+$/.test(url.pathname) && url.href !== failedUrl);
  await expect(page.getByText('retry', { exact: false }).first()).toBeVisible();
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 });
});

test('a repository the worker cannot read: the failure points at the stack settings', async ({ page }) => {
  const user = await signUp(page);
  await page.goto(`/${user.accountSlug}/stacks/new`);
  await page.getByLabel('Name', { exact: true }).fill('missing-repo');
  await page.getByLabel('Repository URL').fill(`file://${process.env.E2E_SCRATCH}/no-such-repository`);
  await page.getByRole('button', { name: 'Create stack' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'missing-repo' })).toBeVisible();

  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 });
  const failure = page.getByRole('alert').filter({ hasText: 'The run failed while preparing' });
  await expect(failure).toContainText("Check the Repository URL and Branch in the stack's settings");
  await failure.getByRole('link', { name: 'settings' }).click();
  await expect(page.getByLabel('Repository URL')).toHaveValue(/no-such-repository$/);
});
