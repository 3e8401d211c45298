import { expect, signUp, test } from '../support/app.ts';

test('sign out, fail with a wrong password, sign back in', async ({ page }) => {
  const user = await signUp(page);

  await page.getByRole('button', { name: `User menu for ${user.name}` }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);

  // Signed-out users are sent to sign in, and come back where they wanted to go.
  await page.goto(`/${user.accountSlug}/settings`);
  await page.waitForURL(/\/sign-in\?callbackUrl=/);

  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' })).toBeVisible();

  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(new RegExp(`/${user.accountSlug}/settings$`));
  await expect(page.getByRole('cell', { name: user.email })).toBeVisible();
});

test('an account page of another account is not found', async ({ page, browser }) => {
  const owner = await signUp(page);
  const other = await browser.newPage();
  await signUp(other);
  const response = await other.goto(`/${owner.accountSlug}/stacks`);
  expect(response?.status()).toBe(404);
  await other.close();
});
