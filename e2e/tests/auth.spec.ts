import { createStack, expect, signUp, test, testClientAddress } from '../support/app.ts';

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

test("another account's run and its event stream are not found", async ({ page, browser }) => {
  const owner = await signUp(page);
  await createStack(page, owner, 'private', { projectRoot: 'broken' });
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  const runId = new URL(page.url()).pathname.split('/').pop()!;
  const stackId = new URL(page.url()).pathname.split('/')[3]!;

  const other = await browser.newPage();
  const intruder = await signUp(other);
  // Through the intruder's own account, and through the owner's.
  for (const slug of [intruder.accountSlug, owner.accountSlug]) {
    const events = await other.request.get(`/api/accounts/${slug}/runs/${runId}/events`);
    expect(events.status()).toBe(404);
  }
  await other.goto(`/${intruder.accountSlug}/stacks/${stackId}/runs/${runId}`);
  await expect(other.getByRole('alert').filter({ hasText: 'Run not found' })).toBeVisible();
  await other.close();
});

test('too many failed sign-ins: the form says when to try again', async ({ page }) => {
  const user = await signUp(page);
  await page.getByRole('button', { name: `User menu for ${user.name}` }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);
  // 10 failures for one email in 15 minutes lock it, whatever the password.
  const password = page.getByLabel('Password');
  for (let i = 0; i < 10; i++) {
    await page.getByLabel('Email').fill(user.email);
    await password.fill(`wrong password ${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The form clears the password once the attempt is answered.
    await expect(password).toHaveValue('');
    await expect(page.getByRole('alert').filter({ hasText: 'Email or password is incorrect' })).toBeVisible();
  }
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Too many attempts' })).toHaveText('Too many attempts, try again in 15 minutes.');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('sign-ups are limited per client address (the address the proxy reports)', async ({ page }) => {
  const signUpFrom = (address: string | null, i: number) =>
    page.request.post('/api/trpc/auth.signUp', {
      ...(address ? { headers: { 'x-forwarded-for': address } } : {}),
      data: { json: { email: `flood-${Date.now().toString(36)}-${i}@e2e.gantry.test`, password: 'long enough pw', name: 'Flood', accountName: `Flood ${i}` } },
    });
  // This test's own address (support/app.ts): 10 sign-ups an hour pass, the 11th is refused.
  for (let i = 0; i < 10; i++) expect((await signUpFrom(null, i)).status(), `sign-up ${i + 1}`).toBe(200);
  const refused = await signUpFrom(null, 10);
  expect(refused.status()).toBe(429);
  const body = (await refused.json()) as { error: { json: { message: string } } };
  expect(body.error.json.message).toMatch(/^Too many sign-ups from your network; try again in \d+ minutes?$/);
  // The form says so too.
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill('Late');
  await page.getByLabel('Email').fill(`late-${Date.now().toString(36)}@e2e.gantry.test`);
  await page.getByLabel('Password').fill('long enough pw');
  await page.getByLabel('Account name').fill('Late');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Too many sign-ups from your network' })).toBeVisible();
  // Another address is another client.
  expect((await signUpFrom(testClientAddress(), 11)).status()).toBe(200);
});
