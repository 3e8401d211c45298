import { defineConfig } from '@playwright/test';

// Drives the built web app (next start) and a real worker against a fresh, migrated database and
// the local Redis; see global-setup.ts. Chromium comes from Debian (/usr/bin/chromium): no
// `playwright install`, nothing downloaded.
export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  // The machine has 2 cores shared with other work: one test at a time, each in its own account.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    // global-setup.ts sets E2E_BASE_URL before any test runs.
    baseURL: process.env.E2E_BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
