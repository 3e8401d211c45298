import { addVariable, createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';
import { MANY_CONFIG_APPS } from '../support/stack-config.ts';

const SECRET = 'hunter2-plan-review';

test('a long plan can be filtered; sensitive values stay hidden; the stack header follows the run live', async ({ page, context }) => {
  const user = await signUp(page);
  await createStack(page, user, 'fleet', { projectRoot: 'many' });
  const stackUrl = page.url();
  await addVariable(page, 'TF_VAR_db_password', SECRET, { secret: true });
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('UNCONFIRMED', { timeout: 90_000 });

  // The stack page, open in another tab, shows the stack's state from its run.
  const watcher = await context.newPage();
  await watcher.goto(stackUrl);
  const stackState = watcher.locator('header').getByRole('link', { name: /^UNCONFIRMED \(run [0-9a-f]{8}\)$/ });
  await expect(stackState).toBeVisible();
  const queueHint = watcher.getByText(/^Run [0-9a-f]{8} holds the stack \(unconfirmed\); a new run waits for it\.$/);
  await expect(queueHint).toBeVisible();

  const total = MANY_CONFIG_APPS + 1;
  const changes = page.getByRole('table', { name: 'Resource changes' });
  await expect(page.getByRole('status').filter({ hasText: `${total} resources` })).toBeVisible();
  await expect(changes.getByRole('button', { name: /^terraform_data\./ })).toHaveCount(total);

  await page.getByLabel('Filter resources').fill('.db');
  await expect(changes.getByRole('button', { name: /^terraform_data\./ })).toHaveCount(1);
  await expect(page.getByRole('status').filter({ hasText: `1 of ${total} shown` })).toBeVisible();
  await changes.getByRole('button', { name: 'terraform_data.db' }).click();
  const attributes = page.getByRole('table', { name: 'Attributes of terraform_data.db' });
  await expect(attributes.getByRole('row', { name: /input\.password/ })).toContainText('(sensitive value)');
  await expect(attributes.getByRole('row', { name: /input\.engine/ })).toContainText('"postgres"');
  await expect(page.getByText(SECRET)).toHaveCount(0);

  await page.getByRole('button', { name: 'Clear filter' }).click();
  await page.getByRole('group', { name: 'Filter by action' }).getByRole('button', { name: `create ${total}` }).click();
  await expect(changes.getByRole('button', { name: /^terraform_data\./ })).toHaveCount(total);
  await page.getByRole('button', { name: 'Expand all' }).click();
  await expect(page.getByRole('table', { name: /^Attributes of / })).toHaveCount(total);
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await expect(page.getByRole('table', { name: /^Attributes of / })).toHaveCount(0);

  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(runStateBadge(page)).toHaveText('FINISHED', { timeout: 90_000 });
  await expect(watcher.locator('header').getByRole('link', { name: /^FINISHED \(run [0-9a-f]{8}\)$/ })).toBeVisible();
  await expect(queueHint).toHaveCount(0);

  // Back on the finished run, the log comes first; the long table is one click away.
  await page.reload();
  await expect(page.getByRole('table', { name: 'Resource changes' })).toHaveCount(0);
  await page.getByRole('button', { name: `Show resource changes (${total})` }).click();
  await expect(changes.getByRole('button', { name: /^terraform_data\./ })).toHaveCount(total);
  await expect(page.getByText(SECRET)).toHaveCount(0);
});
