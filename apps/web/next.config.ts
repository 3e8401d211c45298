import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const config: NextConfig = {
  // Workspace packages export TypeScript source; Next compiles them with the app.
  transpilePackages: [
    '@gantry/api',
    '@gantry/config',
    '@gantry/core',
    '@gantry/db',
    '@gantry/domain',
    '@gantry/logs',
    '@gantry/queue',
    '@gantry/runner',
    '@gantry/ui',
  ],
  // Node-only drivers stay outside the server bundle and are loaded from node_modules at run time.
  serverExternalPackages: ['pg', 'ioredis', 'bullmq', '@prisma/adapter-pg', '@prisma/client'],
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
