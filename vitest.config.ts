import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure, fast, next to the code) and `int` (real Postgres, Redis, OpenTofu).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'apps/web/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/.next/**'],
        },
      },
      {
        test: {
          name: 'int',
          include: ['packages/*/src/**/*.int.test.ts', 'apps/*/src/**/*.int.test.ts', 'apps/web/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '**/.next/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
