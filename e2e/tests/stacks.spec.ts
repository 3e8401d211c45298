import { addVariable, createStack, expect, fillStackForm, signUp, test } from '../support/app.ts';

test('a duplicate stack name is rejected next to the name field', async ({ page }) => {
  const user = await signUp(page);
  await createStack(page, user, 'payments');

  await page.goto(`/${user.accountSlug}/stacks/new`);
  await fillStackForm(page, 'payments');
  await page.getByRole('button', { name: 'Create stack' }).click();

  const name = page.getByLabel('Name', { exact: true });
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/already/i);
  await expect(page).toHaveURL(/\/stacks\/new$/);
});

test('a secret variable is never shown again', async ({ page }) => {
  const user = await signUp(page);
  await createStack(page, user, 'secrets');
  const secret = `s3cr3t-${Date.now()}`;

  await addVariable(page, 'TF_VAR_token', secret, { secret: true });
  await addVariable(page, 'TF_VAR_region', 'eu-west-1');

  const secretRow = page.getByRole('row', { name: /TF_VAR_token/ });
  await expect(secretRow.getByText('secret', { exact: true })).toBeVisible();
  await expect(page.getByRole('row', { name: /TF_VAR_region/ })).toContainText('eu-west-1');
  // The form was cleared and the value appears nowhere on the page, before or after a reload.
  await expect(page.getByLabel('Value', { exact: true })).toHaveValue('');
  expect(await page.content()).not.toContain(secret);
  await page.reload();
  await expect(page.getByRole('row', { name: /TF_VAR_token/ })).toBeVisible();
  expect(await page.content()).not.toContain(secret);
});

test('stacks are searchable and filterable by label', async ({ page }) => {
  const user = await signUp(page);
  await createStack(page, user, 'alpha-network');
  await createStack(page, user, 'beta-database');
  await page.goto(`/${user.accountSlug}/stacks`);

  await expect(page.getByRole('link', { name: 'alpha-network' })).toBeVisible();
  await page.getByLabel('Search stacks').fill('beta');
  await expect(page.getByRole('link', { name: 'beta-database' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'alpha-network' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await page.getByRole('group', { name: 'Filter by label' }).getByRole('button', { name: 'env:e2e' }).click();
  await expect(page.getByRole('link', { name: 'alpha-network' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'beta-database' })).toBeVisible();
});

test('a stack is edited and deleted from its settings, after a confirmation', async ({ page }) => {
  const user = await signUp(page);
  await createStack(page, user, 'legacy');
  await expect(page.getByText('Autodeploy off')).toBeVisible();

  await page.getByRole('link', { name: 'Settings' }).last().click();
  await page.getByLabel('Description').fill('Old VPC, to be removed');
  await page.getByLabel('Autodeploy').check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Changes saved' })).toBeVisible();
  await expect(page.getByText('Autodeploy on')).toBeVisible();
  await expect(page.getByText('Old VPC, to be removed').first()).toBeVisible();

  await page.getByRole('button', { name: 'Delete stack' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete legacy?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('button', { name: 'Delete stack' }).click();
  await dialog.getByRole('button', { name: 'Delete stack' }).click();
  await page.waitForURL(new RegExp(`/${user.accountSlug}/stacks$`));
  await expect(page.getByRole('heading', { name: 'Create your first stack' })).toBeVisible();
});
