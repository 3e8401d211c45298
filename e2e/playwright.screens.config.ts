import { defineConfig } from '@playwright/test';
import base from './playwright.config.ts';

// Screenshot tour for visual review (not a test suite): `pnpm --filter @gantry/e2e screens`.
// Starts the same system as the tests (global-setup.ts) and writes PNGs to $SCREENS_DIR
// (default /tmp/gantry-screens), outside the repository.
export default defineConfig({
  ...base,
  testDir: './screens',
  timeout: 600_000,
  use: { ...base.use, trace: 'off', screenshot: 'off' },
});
