import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { addVariable, createPlanGate, createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';

// Walks the main screens in the states a user meets them in and photographs each in light, dark
// and phone width. Not a test: look at the pictures.
const dir = process.env.SCREENS_DIR ?? '/tmp/gantry-screens';
mkdirSync(dir, { recursive: true });

const VARIANTS = [
  { name: 'light', width: 1280, height: 860, scheme: 'light' as const },
  { name: 'dark', width: 1280, height: 860, scheme: 'dark' as const },
  { name: 'narrow', width: 390, height: 844, scheme: 'light' as const },
  { name: 'narrow-dark', width: 390, height: 844, scheme: 'dark' as const },
];

async function shoot(page: Page, name: string, prepare?: () => Promise<void>) {
  for (const v of VARIANTS) {
    await page.setViewportSize({ width: v.width, height: v.height });
    await page.emulateMedia({ colorScheme: v.scheme, reducedMotion: 'reduce' });
    await page.reload();
    await page.waitForLoadState('networkidle').catch(() => undefined);
    if (prepare) await prepare();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(dir, `${name}-${v.name}.png`), fullPage: v.name.startsWith('narrow') ? false : true });
  }
  await page.setViewportSize({ width: 1280, height: 860 });
}

test('screenshot tour', async ({ page }) => {
  await page.goto('/sign-up');
  await shoot(page, '01-sign-up');

  const user = await signUp(page);
  await shoot(page, '02-stacks-empty');

  // Stacks in different states.
  const finishedId = await createStack(page, user, 'network');
  const gate = createPlanGate();
  await addVariable(page, 'TF_VAR_gate_path', gate.path);
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  const finishedRun = page.url();
  await expect(runStateBadge(page)).toHaveText('PLANNING', { timeout: 90_000 });
  await shoot(page, '05-run-planning');
  await gate.open();
  await expect(runStateBadge(page)).toHaveText('UNCONFIRMED', { timeout: 90_000 });
  await shoot(page, '06-run-unconfirmed', async () => {
    await page.getByRole('button', { name: 'terraform_data.greeting' }).click();
  });
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(runStateBadge(page)).toHaveText('FINISHED', { timeout: 90_000 });
  await shoot(page, '07-run-finished');

  await createStack(page, user, 'broken-config', { projectRoot: 'broken' });
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 });
  await shoot(page, '08-run-failed');

  await createStack(page, user, 'payments-platform-production-eu-west-1-very-long-stack-name');
  const gate2 = createPlanGate();
  await addVariable(page, 'TF_VAR_gate_path', gate2.path);
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('PLANNING', { timeout: 90_000 });

  await createStack(page, user, 'dns');
  const gate3 = createPlanGate();
  await addVariable(page, 'TF_VAR_gate_path', gate3.path);
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText(/PLANNING|QUEUED|PREPARING|INITIALIZING/, { timeout: 90_000 });
  await gate3.open();
  await expect(runStateBadge(page)).toHaveText('UNCONFIRMED', { timeout: 90_000 });

  await createStack(page, user, 'empty-stack');
  await shoot(page, '09-stack-no-runs');

  await page.goto(`/${user.accountSlug}/stacks`);
  await shoot(page, '03-stacks-list');

  await page.goto(`/${user.accountSlug}/stacks/${finishedId}`);
  await shoot(page, '04-stack-runs');
  await page.getByRole('link', { name: 'Environment' }).click();
  await page.waitForURL(/environment$/);
  await addVariable(page, 'TF_VAR_token', 'secret-value', { secret: true });
  await shoot(page, '10-stack-environment');
  await page.getByRole('link', { name: 'Settings' }).last().click();
  await page.waitForURL(/settings$/);
  await shoot(page, '11-stack-settings');
  await page.goto(`/${user.accountSlug}/settings`);
  await shoot(page, '12-account-settings');
  await page.goto(`/${user.accountSlug}/stacks/new`);
  await shoot(page, '13-new-stack');

  await page.goto(finishedRun);
  await expect(runStateBadge(page)).toHaveText('FINISHED');
  await gate2.open();
});
