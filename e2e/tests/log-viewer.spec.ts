import type { Locator } from '@playwright/test';
import { addVariable, createPlanGate, createStack, expect, runStateBadge, signUp, test } from '../support/app.ts';
import { GATE_READING_LINE } from '../support/stack-config.ts';

const distanceFromBottom = (log: Locator) => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
const scrollTop = (log: Locator) => log.evaluate((el) => el.scrollTop);
const lineCount = async (log: Locator) => Number(await log.getAttribute('data-lines'));

test('a streaming log follows its end until the user scrolls up', async ({ page }) => {
  const user = await signUp(page);
  await createStack(page, user, 'long', { projectRoot: 'long' });
  const gate = createPlanGate();
  await addVariable(page, 'TF_VAR_gate_path', gate.path);
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('button', { name: 'Trigger' }).first().click();
  await page.waitForURL(/\/runs\/[^/]+$/);

  const log = page.getByRole('log');
  await expect(log).toContainText(GATE_READING_LINE, { timeout: 90_000 });
  await expect(runStateBadge(page)).toHaveText('PLANNING');
  // Following: the last line is in view.
  await expect.poll(() => distanceFromBottom(log)).toBeLessThanOrEqual(32);
  await expect(log.getByText(GATE_READING_LINE)).toBeInViewport();

  // Scrolling up stops following and offers to follow again.
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  const follow = page.getByRole('button', { name: 'Follow log' });
  await expect(follow).toBeVisible();
  await follow.click();
  await expect.poll(() => distanceFromBottom(log)).toBeLessThanOrEqual(32);

  // Scrolled up again, new lines arrive and the view stays where the user put it.
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(follow).toBeVisible();
  const before = await lineCount(log);
  await gate.open();
  await expect.poll(() => lineCount(log), { timeout: 60_000 }).toBeGreaterThan(before);
  await expect(page.getByText(/^\d+ lines$/)).not.toHaveText(`${before} lines`);
  expect(await scrollTop(log)).toBe(0);
  // Only the lines in view are rendered: the new end is not in the page until the user goes there.
  await expect(log.getByText(GATE_READING_LINE)).toHaveCount(0);
  await page.getByRole('button', { name: /^(Follow log|Jump to end)$/ }).click();
  await expect(log).toContainText('No changes', { timeout: 60_000 });
});
