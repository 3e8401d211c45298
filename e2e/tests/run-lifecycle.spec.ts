import { addVariable, createPlanGate, createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';
import { APPLY_LAST_LINE, GATE_READING_LINE } from '../support/stack-config.ts';

test('sign up, create a stack, trigger, watch the plan stream live, confirm, and find it all after a reload', async ({ page }) => {
  // Uncaught errors in the page (a hydration mismatch, a crash in a component) fail the test.
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const user = await signUp(page);

  // A new account is taught how to start.
  await expect(page.getByRole('heading', { name: 'Create your first stack' })).toBeVisible();

  const stackId = await createStack(page, user, 'network');
  const gate = createPlanGate();
  await addVariable(page, 'TF_VAR_gate_path', gate.path);

  await page.getByRole('link', { name: 'Runs' }).click();
  await expect(page.getByRole('heading', { name: 'No runs yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);

  // Planning is blocked on the gate, so a log line that is visible now streamed in while PLANNING.
  const log = page.getByRole('log');
  await expect(log.getByText(GATE_READING_LINE)).toBeVisible({ timeout: 90_000 });
  await expect(runStateBadge(page)).toHaveText('PLANNING');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();

  // Meanwhile a second run has to wait: it says why, and can be discarded while it waits.
  const runUrl = page.url();
  await page.getByRole('link', { name: 'network' }).click();
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL((url) => /\/runs\/[^/]+$/.test(url.pathname) && url.href !== runUrl);
  await expect(runStateBadge(page)).toHaveText('QUEUED');
  const waiting = page.getByRole('status').filter({ hasText: 'Waiting in the queue' });
  await expect(waiting).toContainText('one tracked run at a time');
  // The run it waits for is a link, named by its short id.
  const firstRunPath = new URL(runUrl).pathname;
  await expect(waiting.getByRole('link', { name: firstRunPath.slice(-8), exact: true })).toHaveAttribute('href', firstRunPath);
  await page.getByRole('button', { name: 'Discard' }).click();
  await expect(runStateBadge(page)).toHaveText('CANCELED'); // a run discarded before it started is canceled
  await page.goto(runUrl);
  await expect(runStateBadge(page)).toHaveText('PLANNING');

  await gate.open();

  await expect(runStateBadge(page)).toHaveText('UNCONFIRMED', { timeout: 60_000 });
  const summary = page.getByRole('list', { name: 'Plan summary' });
  await expect(summary).toContainText('+1 to add');
  await expect(summary).toContainText('~0 to change');
  await expect(page.getByRole('button', { name: 'terraform_data.greeting' })).toBeVisible();
  // Expanding a change shows the attributes, values computed at apply time stay unknown.
  await page.getByRole('button', { name: 'terraform_data.greeting' }).click();
  await expect(page.getByRole('rowheader', { name: 'input' })).toBeVisible();

  // A second tab on the stack's runs list: it must follow the run without a reload.
  const watcher = await page.context().newPage();
  await watcher.goto(`/${user.accountSlug}/stacks/${stackId}`);
  const watchedRun = watcher.getByRole('row').filter({ has: watcher.getByRole('link', { name: /UNCONFIRMED|FINISHED|APPLYING|CONFIRMED|PREPARING/ }) });
  await expect(watchedRun.getByText('UNCONFIRMED')).toBeVisible();

  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(log.getByText(APPLY_LAST_LINE)).toBeVisible({ timeout: 90_000 });
  await expect(runStateBadge(page)).toHaveText('FINISHED', { timeout: 60_000 });
  await expect(page.getByText(`Confirmed by`)).toBeVisible();
  await expect(page.getByText(user.name).first()).toBeVisible();
  await expect(watchedRun.getByText('FINISHED')).toBeVisible({ timeout: 10_000 });
  await watcher.close();

  // Everything is still there after a reload: the log comes from the database now.
  await page.reload();
  await expect(runStateBadge(page)).toHaveText('FINISHED');
  await expect(page.getByRole('list', { name: 'Plan summary' })).toContainText('+1 to add');
  await expect(page.getByRole('log').getByText(APPLY_LAST_LINE)).toBeVisible();
  await page.getByRole('group', { name: 'Phase' }).getByRole('button', { name: 'planning' }).click();
  await expect(page.getByRole('log').getByText(GATE_READING_LINE)).toBeVisible();

  // Search within the log.
  await page.getByLabel('Search log').fill('terraform_data.greeting');
  await expect(page.getByText(/^1 of \d+$/)).toBeVisible();
  await page.getByLabel('Search log').fill('');

  // The downloaded log is named after the stack, the run and the phase.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toBe(`network-run-${firstRunPath.slice(-8)}-planning.log`);

  // Every line has a link; opening it selects the phase and marks the line.
  await page.getByRole('log').getByRole('link', { name: 'Line 2', exact: true }).click();
  await expect(page).toHaveURL(/#planning-L2$/);
  await page.reload();
  await expect(page.getByRole('group', { name: 'Phase' }).getByRole('button', { name: 'planning' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#planning-L2')).toContainText(GATE_READING_LINE);

  // The stack's run list has both runs, newest first, with who triggered them.
  await page.getByRole('link', { name: 'network' }).click();
  await expect(page.getByRole('row').nth(1).getByText('CANCELED')).toBeVisible();
  await expect(page.getByRole('row').nth(2).getByText('FINISHED')).toBeVisible();
  await expect(page.getByRole('row').nth(2)).toContainText(user.name);

  expect(pageErrors).toEqual([]);
});
