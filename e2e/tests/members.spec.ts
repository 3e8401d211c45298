import type { Page } from '@playwright/test';
import { createStack, expect, signUp, test, type NewUser } from '../support/app.ts';

/** Adds a member on the settings page: an invitation; returns its link. */
async function addMember(page: Page, admin: NewUser, email: string, role: 'ADMIN' | 'WRITER' | 'READER'): Promise<string> {
  await page.goto(`/${admin.accountSlug}/settings`);
  const form = page.getByRole('form', { name: 'Add a member' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role', { exact: true }).selectOption(role);
  await form.getByRole('button', { name: 'Add member' }).click();
  const link = page.getByRole('textbox', { name: 'Invitation link' });
  await expect(link).toBeVisible();
  return link.inputValue();
}

/** A tRPC mutation as the browser's session sends it, in an account. */
async function mutate(page: Page, slug: string, path: string, input: unknown) {
  const response = await page.request.post(`/api/trpc/${path}`, { headers: { 'x-gantry-account': slug }, data: { json: input } });
  const body = (await response.json()) as { error?: { json: { message: string } } };
  return { status: response.status(), message: body.error?.json.message ?? null };
}

test('an admin invites a reader by link; the reader signs up through it, sees the stack, and cannot trigger', async ({ page, browser }) => {
  const admin = await signUp(page);
  const stackId = await createStack(page, admin, 'shared-network');
  const email = `reader-${Date.now().toString(36)}@e2e.gantry.test`;

  const link = await addMember(page, admin, email, 'READER');
  expect(link).toMatch(new RegExp(`/invite/[A-Za-z0-9_-]{43}$`));
  await expect(page.getByRole('region', { name: 'New invitation' })).toContainText('shown only once');
  const pending = page.getByRole('table', { name: 'Pending invitations' });
  await expect(pending.getByRole('row', { name: new RegExp(email) })).toContainText('reader');

  // The invitee opens the link in their own browser, signed out.
  const invitee = await browser.newContext();
  const readerPage = await invitee.newPage();
  await readerPage.goto(link);
  await expect(readerPage.getByRole('heading', { name: `Join ${admin.accountName} on Gantry` })).toBeVisible();
  await expect(readerPage.getByLabel('Email')).toHaveValue(email);
  await readerPage.getByLabel('Your name').fill('Rita Reader');
  await readerPage.getByLabel('Password').fill('reader password 1');
  await readerPage.getByRole('button', { name: 'Create user and join' }).click();
  await readerPage.waitForURL(new RegExp(`/${admin.accountSlug}/stacks$`));

  // The reader sees the stack, but Trigger is not offered; the page says why.
  await readerPage.getByRole('link', { name: 'shared-network' }).click();
  await expect(readerPage.getByRole('heading', { level: 1, name: 'shared-network' })).toBeVisible();
  await expect(readerPage.getByText('Read only.')).toBeVisible();
  await expect(readerPage.getByRole('button', { name: 'Trigger' })).toHaveCount(0);
  // Asked directly, the server refuses with a clear message.
  const refused = await mutate(readerPage, admin.accountSlug, 'runs.trigger', { stackId });
  expect(refused).toEqual({ status: 403, message: `Your role in ${admin.accountName} is READER; writers and admins can do this` });

  // The admin sees the new member; the invitation is used up.
  await page.reload();
  const members = page.getByRole('table', { name: 'Members' });
  await expect(members.getByRole('row', { name: /Rita Reader/ })).toContainText(email);
  await expect(members.getByLabel('Role of Rita Reader')).toHaveValue('READER');
  await expect(page.getByRole('table', { name: 'Pending invitations' })).toHaveCount(0);

  // The link works once.
  const other = await browser.newContext();
  const again = await other.newPage();
  await again.goto(link);
  await expect(again.getByRole('heading', { name: 'This invitation link does not work' })).toBeVisible();
  await other.close();
  await invitee.close();
});

test('an existing user is invited and joins by accepting, switches accounts, follows role changes; the last admin stays', async ({ page, browser }) => {
  const admin = await signUp(page);
  await createStack(page, admin, 'team-db');
  const otherContext = await browser.newContext();
  const otherPage = await otherContext.newPage();
  const colleague = await signUp(otherPage);

  const link = await addMember(page, admin, colleague.email, 'WRITER');
  await expect(page.getByRole('region', { name: 'New invitation' })).toContainText(`${colleague.email} was invited as writer.`);
  // Nothing changes for the colleague until they accept.
  await expect(page.getByRole('table', { name: 'Pending invitations' }).getByRole('row', { name: new RegExp(colleague.email) })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Members' }).getByRole('row', { name: new RegExp(colleague.name) })).toHaveCount(0);

  // Opened signed out, the link asks them to sign in (their email has a user), then brings them back to join.
  const signedOutContext = await browser.newContext();
  const signedOut = await signedOutContext.newPage();
  await signedOut.goto(link);
  await expect(signedOut.getByRole('button', { name: 'Create user and join' })).toHaveCount(0);
  await signedOut.getByRole('link', { name: 'Sign in to join' }).click();
  await signedOut.getByLabel('Email').fill(colleague.email);
  await signedOut.getByLabel('Password').fill(colleague.password);
  await signedOut.getByRole('button', { name: 'Sign in' }).click();
  await signedOut.getByRole('button', { name: `Join ${admin.accountName} as writer` }).click();
  await signedOut.waitForURL(new RegExp(`/${admin.accountSlug}/stacks$`));
  await signedOutContext.close();
  await page.reload();
  await expect(page.getByRole('table', { name: 'Members' }).getByLabel(`Role of ${colleague.name}`)).toHaveValue('WRITER');
  await expect(page.getByRole('table', { name: 'Pending invitations' })).toHaveCount(0);

  // The colleague now has two accounts and switches to the admin's.
  await otherPage.reload();
  await otherPage.getByRole('button', { name: `Account: ${colleague.accountName}` }).click();
  await otherPage.getByRole('link', { name: new RegExp(admin.accountName) }).click();
  await otherPage.waitForURL(new RegExp(`/${admin.accountSlug}/stacks$`));
  await otherPage.getByRole('link', { name: 'team-db' }).click();
  await expect(otherPage.getByRole('button', { name: 'Trigger' }).first()).toBeVisible();

  // Made a reader: Trigger goes away.
  await page.getByLabel(`Role of ${colleague.name}`).selectOption('READER');
  await expect(page.getByLabel(`Role of ${colleague.name}`)).toHaveValue('READER');
  await expect(page.getByRole('status').filter({ hasText: `${colleague.name} is now reader.` })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(`Role of ${colleague.name}`)).toHaveValue('READER');
  await otherPage.reload();
  await expect(otherPage.getByText('Read only.')).toBeVisible();
  await expect(otherPage.getByRole('button', { name: 'Trigger' })).toHaveCount(0);

  // The only admin cannot step down.
  await page.getByLabel(`Role of ${admin.name}`).selectOption('WRITER');
  await page.getByRole('dialog', { name: 'Give up your admin role?' }).getByRole('button', { name: 'Become writer' }).click();
  await expect(page.getByRole('alert').filter({ hasText: `You are the only admin of ${admin.accountName}` })).toContainText('Make another member an admin first.');
  await expect(page.getByLabel(`Role of ${admin.name}`)).toHaveValue('ADMIN');

  // Removed: the account is gone from the colleague's view.
  await page.getByRole('button', { name: `Remove ${colleague.name}` }).click();
  await page.getByRole('dialog', { name: `Remove ${colleague.name}?` }).getByRole('button', { name: 'Remove member' }).click();
  await expect(page.getByRole('table', { name: 'Members' }).getByRole('row', { name: new RegExp(colleague.name) })).toHaveCount(0);
  const response = await otherPage.goto(`/${admin.accountSlug}/stacks`);
  expect(response?.status()).toBe(404);
  await otherContext.close();
});

test('an invitation for another email is refused with what to do', async ({ page, browser }) => {
  const admin = await signUp(page);
  const link = await addMember(page, admin, `someone-${Date.now().toString(36)}@e2e.gantry.test`, 'WRITER');
  const context = await browser.newContext();
  const stranger = await context.newPage();
  await signUp(stranger);
  await stranger.goto(link);
  await expect(stranger.getByRole('status').filter({ hasText: 'This invitation is for someone else' })).toBeVisible();
  await stranger.getByRole('button', { name: 'Sign out and continue' }).click();
  await stranger.waitForURL(/\/invite\//);
  await expect(stranger.getByRole('button', { name: 'Create user and join' })).toBeVisible();
  await context.close();
});
