import { expect, signUp, test } from '../support/app.ts';

test('every page follows the OS theme while it is open, unless the user chose one', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/sign-in');
  const html = page.locator('html');
  await expect(html).not.toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(html).not.toHaveClass(/\bdark\b/);

  const user = await signUp(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).toHaveClass(/\bdark\b/);
  // An explicit choice wins over the OS.
  await page.getByRole('button', { name: `User menu for ${user.name}` }).click();
  // The radio is visually hidden inside its label, which takes the click.
  await page.locator('label').filter({ has: page.getByRole('radio', { name: 'Light' }) }).click();
  await expect(page.getByRole('radio', { name: 'Light' })).toBeChecked();
  await expect(html).not.toHaveClass(/\bdark\b/);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(html).not.toHaveClass(/\bdark\b/);
});
