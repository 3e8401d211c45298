import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';

// Screens of members and invitations, and of a failed and a no-op run (quick: no gated plans).
// Not a test: look at the pictures (`pnpm --filter @gantry/e2e screens screens/members.spec.ts`).
const dir = process.env.SCREENS_DIR ?? '/tmp/gantry-screens';
mkdirSync(dir, { recursive: true });

async function shoot(page: Page, name: string) {
  for (const v of [
    { name: 'light', width: 1280, height: 860, scheme: 'light' as const },
    { name: 'dark', width: 1280, height: 860, scheme: 'dark' as const },
    { name: 'narrow', width: 390, height: 844, scheme: 'light' as const },
  ]) {
    await page.setViewportSize({ width: v.width, height: v.height });
    await page.emulateMedia({ colorScheme: v.scheme, reducedMotion: 'reduce' });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(dir, `${name}-${v.name}.png`), fullPage: v.name !== 'narrow' });
  }
  await page.setViewportSize({ width: 1280, height: 860 });
}

test('members screens', async ({ page, browser }) => {
  const admin = await signUp(page);
  const colleague = await signUp(await (await browser.newContext()).newPage());
  await page.goto(`/${admin.accountSlug}/settings`);
  const form = page.getByRole('form', { name: 'Add a member' });
  await form.getByLabel('Email').fill(colleague.email);
  await form.getByLabel('Role', { exact: true }).selectOption('WRITER');
  await form.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('textbox', { name: 'Invitation link' })).toBeVisible();
  await page.getByRole('button', { name: 'Done' }).click();
  await form.getByLabel('Email').fill('new.person@example.com');
  await form.getByRole('button', { name: 'Add member' }).click();
  const link = await page.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  await shoot(page, '20-members-invitation');

  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link);
  await shoot(invitee, '21-invitation-sign-up');

  await createStack(page, admin, 'broken-config', { projectRoot: 'broken' });
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 });
  await shoot(page, '22-run-failed');

  await createStack(page, admin, 'steady', { projectRoot: 'noop' });
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('FINISHED', { timeout: 90_000 });
  await shoot(page, '23-run-no-changes');
});
