import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { EMPTY_STATE } from './stack-config.ts';

/** Playwright test with the base URL of the app started by global-setup.ts. */
export const test = base.extend({
  // eslint-disable-next-line no-empty-pattern
  baseURL: async ({}, use) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error('E2E_BASE_URL is not set: run the tests through playwright.config.ts (global setup starts the app)');
    await use(url);
  },
  // The web app trusts x-forwarded-for in these tests (global-setup.ts): each test is a client of
  // its own for the per-address sign-in and sign-up limits, every browser context of it included.
  // eslint-disable-next-line no-empty-pattern
  extraHTTPHeaders: async ({}, use) => {
    await use({ 'x-forwarded-for': testClientAddress() });
  },
});

/** A random private address (10.x.y.z). */
export function testClientAddress(): string {
  const bytes = randomBytes(3);
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]! % 254 + 1}`;
}
export { expect };

export interface NewUser {
  name: string;
  email: string;
  password: string;
  accountName: string;
  accountSlug: string;
}

const uniqueId = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/** Signs up through the form: a new user who is the admin of a new account. Ends on the stacks page. */
export async function signUp(page: Page): Promise<NewUser> {
  const id = uniqueId();
  const user = { name: `Ada ${id}`, email: `ada-${id}@e2e.gantry.test`, password: `correct-horse-${id}`, accountName: `Acme ${id}` };
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Account name').fill(user.accountName);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/^[^?#]*\/[^/]+\/stacks$/);
  const accountSlug = new URL(page.url()).pathname.split('/')[1]!;
  return { ...user, accountSlug };
}

/** Creates a stack on the e2e repository fixture through the form; ends on the stack page. Returns its id. */
export async function createStack(page: Page, user: NewUser, name: string, options: { projectRoot?: string } = {}): Promise<string> {
  await page.goto(`/${user.accountSlug}/stacks/new`);
  await fillStackForm(page, name);
  if (options.projectRoot) await page.getByLabel('Project root').fill(options.projectRoot);
  await page.getByRole('button', { name: 'Create stack' }).click();
  await page.waitForURL(new RegExp(`/${user.accountSlug}/stacks/(?!new)[^/]+$`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  return new URL(page.url()).pathname.split('/').pop()!;
}

export async function fillStackForm(page: Page, name: string): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Labels').fill('env:e2e, team:web');
  await page.getByLabel('Repository URL').fill(process.env.E2E_REPO_URL!);
  await page.getByLabel('Branch').fill(process.env.E2E_REPO_BRANCH ?? 'main');
}

/** Adds an environment variable on the stack's Environment tab. */
export async function addVariable(page: Page, name: string, value: string, options: { secret?: boolean } = {}): Promise<void> {
  await page.getByRole('link', { name: 'Environment' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Value', { exact: true }).fill(value);
  if (options.secret) await page.getByLabel('Secret').check();
  await page.getByRole('button', { name: 'Save variable' }).click();
  await expect(page.getByRole('rowheader', { name, exact: true })).toBeVisible();
}

/**
 * A FIFO that gates the e2e configuration's planning (see stack-config.ts): planning blocks on it
 * until `open()` writes an empty state into it.
 */
export function createPlanGate(): { path: string; open: () => Promise<void> } {
  const path = join(process.env.E2E_SCRATCH!, `gate-${uniqueId()}`);
  execFileSync('mkfifo', ['-m', '600', path]);
  return { path, open: () => writeFile(path, EMPTY_STATE) };
}

/** The run's state as shown in the header badge (text, not colour). */
export function runStateBadge(page: Page) {
  return page.locator('header [data-state]').first();
}
