import { expect, signUp, test } from '../support/app.ts';

test.use({ timezoneId: 'Europe/Berlin' });

test('exact times on hover are in the viewer\'s time zone, with UTC beside them', async ({ page }) => {
  const user = await signUp(page);
  await page.goto(`/${user.accountSlug}/settings`);
  const joined = page.getByRole('row', { name: new RegExp(user.email) }).locator('time');
  // Berlin is GMT+1 in winter and GMT+2 in summer.
  await expect(joined).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\+[12] \(\d\d:\d\d:\d\d UTC\)$/);
});
