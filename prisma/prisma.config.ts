import { defineConfig } from 'prisma/config';

// DATABASE_URL is required to migrate; `generate` needs none, so a local default keeps it working.
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/gantry' },
});
