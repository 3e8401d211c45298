import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { addVariable, createPlanGate, createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';

// axe-core (from node_modules, nothing downloaded) checks the main pages against WCAG 2.1 A/AA in
// both themes: labels bound to fields, names of buttons and links, contrast, landmarks, ARIA use.
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function violations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

function describe(found: AxeViolation[]): string {
  return found
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`).join('\n')}`)
    .join('\n');
}

/** Checks the page as it is now, in the light and the dark theme. */
async function expectAccessible(page: Page, name: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
    // Let the theme's transitions settle before contrast is measured.
    await page.waitForTimeout(100);
    const found = await violations(page);
    expect.soft(found, `${name} (${colorScheme}) has accessibility violations:\n${describe(found)}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('the main pages have no WCAG 2.1 A/AA violations that axe can find, in both themes', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page, 'sign-in');
  await page.goto('/sign-up');
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
  await expectAccessible(page, 'sign-up');

  const user = await signUp(page);
  await expect(page.getByRole('heading', { name: 'Create your first stack' })).toBeVisible();
  await expectAccessible(page, 'empty stacks list');

  await page.goto(`/${user.accountSlug}/stacks/new`);
  await expect(page.getByRole('button', { name: 'Create stack' })).toBeVisible();
  await expectAccessible(page, 'new stack form');

  await createStack(page, user, 'a11y-network');
  await expect(page.getByRole('heading', { name: 'No runs yet' })).toBeVisible();
  await expectAccessible(page, 'stack without runs');

  const gate = createPlanGate();
  await addVariable(page, 'TF_VAR_gate_path', gate.path);
  await addVariable(page, 'TF_VAR_token', 'hunter2', { secret: true });
  await expectAccessible(page, 'stack environment');

  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('PLANNING', { timeout: 90_000 });
  await expect(page.getByRole('log')).toContainText('Reading...');
  await expectAccessible(page, 'run while planning');
  await gate.open();
  await expect(runStateBadge(page)).toHaveText('UNCONFIRMED', { timeout: 90_000 });
  await page.getByRole('button', { name: 'terraform_data.greeting' }).click();
  await expect(page.getByRole('rowheader', { name: 'input' })).toBeVisible();
  await expectAccessible(page, 'unconfirmed run with resource changes');
  // The log works from the keyboard: Ctrl+F in it goes to its search, Enter steps, Escape clears.
  await page.getByRole('log').focus();
  await page.keyboard.press('Control+f');
  await expect(page.getByLabel('Search log')).toBeFocused();
  await page.keyboard.type('greeting');
  await expect(page.getByText(/^1 of [2-9]$/)).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByText(/^2 of [2-9]$/)).toBeVisible();
  await expectAccessible(page, 'log with search matches');
  await page.getByLabel('Search log').press('Escape');
  await expect(page.getByLabel('Search log')).toHaveValue('');

  await page.getByRole('link', { name: 'a11y-network' }).click();
  await expect(page.getByRole('row').nth(1).getByText('UNCONFIRMED')).toBeVisible();
  await expectAccessible(page, 'stack runs');
  await page.getByRole('link', { name: 'Settings' }).last().click();
  await expect(page.getByRole('button', { name: 'Save changes' })).toBeVisible();
  await expectAccessible(page, 'stack settings');
  await page.getByRole('button', { name: 'Delete stack' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await expectAccessible(page, 'delete confirmation dialog');
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await createStack(page, user, 'a11y-broken', { projectRoot: 'broken' });
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);
  await expect(runStateBadge(page)).toHaveText('FAILED', { timeout: 90_000 });
  await expectAccessible(page, 'failed run');

  await page.goto(`/${user.accountSlug}/stacks`);
  await expect(page.getByRole('link', { name: 'a11y-broken' })).toBeVisible();
  await expectAccessible(page, 'stacks list');
  await page.goto(`/${user.accountSlug}/settings`);
  await expect(page.getByRole('heading', { name: 'Members and roles' })).toBeVisible();
  await expectAccessible(page, 'account settings');
  await page.getByRole('form', { name: 'Add a member' }).getByLabel('Email').fill(`a11y-${Date.now().toString(36)}@e2e.gantry.test`);
  await page.getByRole('button', { name: 'Add member' }).click();
  const link = await page.getByRole('textbox', { name: 'Invitation link' }).inputValue();
  await expect(page.getByRole('table', { name: 'Pending invitations' })).toBeVisible();
  await expectAccessible(page, 'members with an invitation link');
  const invitee = await page.context().browser()!.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole('button', { name: 'Create user and join' })).toBeVisible();
  await expectAccessible(invitee, 'invitation page');
  await invitee.close();
  await page.getByRole('button', { name: `User menu for ${user.name}` }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expectAccessible(page, 'open user menu');
});
