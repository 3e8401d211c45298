import { describe, expect, it } from 'vitest';
import { ConfigError, loadBaseConfig, loadWebConfig, loadWorkerConfig } from './env.ts';

const key = Buffer.alloc(32, 7).toString('base64');
const valid = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://gantry:pw@db:5432/gantry',
  REDIS_URL: 'redis://redis:6379',
  GANTRY_ENCRYPTION_KEY: key,
  GANTRY_WORK_DIR: '/var/lib/gantry/work',
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('parses a complete worker environment', () => {
    const config = loadWorkerConfig({
      ...valid,
      GANTRY_WORKER_CONCURRENCY: '4',
      GANTRY_LEASE_MS: '10000',
      GANTRY_HEARTBEAT_MS: '2000',
      GANTRY_TOFU_BIN: '/usr/local/bin/tofu',
    });
    expect(config).toMatchObject({
      nodeEnv: 'production',
      databaseUrl: valid.DATABASE_URL,
      redisUrl: valid.REDIS_URL,
      concurrency: 4,
      leaseMs: 10_000,
      heartbeatMs: 2_000,
      tofuBin: '/usr/local/bin/tofu',
      terraformBin: undefined,
      workDir: '/var/lib/gantry/work',
      processSpawner: true,
    });
    expect(config.encryptionKey).toEqual(Buffer.alloc(32, 7));
    expect(loadWorkerConfig({ ...valid, GANTRY_PROCESS_SPAWNER: 'off' }).processSpawner).toBe(false);
    expect(problemsOf(() => loadWorkerConfig({ ...valid, GANTRY_PROCESS_SPAWNER: 'yes' }))).toEqual(['GANTRY_PROCESS_SPAWNER: must be on or off']);
  });

  it('lists every problem at once, naming the variable and the fix', () => {
    const problems = problemsOf(() =>
      loadWorkerConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'mysql://x',
        GANTRY_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64'),
        GANTRY_WORKER_CONCURRENCY: 'many',
      }),
    );
    expect(problems.join('\n')).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(problems.join('\n')).toMatch(/REDIS_URL: is required/);
    expect(problems.join('\n')).toMatch(/GANTRY_ENCRYPTION_KEY: must be exactly 32 bytes .*got 16 bytes.*openssl rand -base64 32/);
    expect(problems.join('\n')).toMatch(/GANTRY_WORKER_CONCURRENCY: must be an integer from 1 to 64 \(got "many"\)/);
  });

  it('never defaults the encryption key, even in development', () => {
    expect(problemsOf(() => loadBaseConfig({ NODE_ENV: 'development' }))).toEqual([
      expect.stringMatching(/^GANTRY_ENCRYPTION_KEY: is required/),
    ]);
  });

  it('a missing key says to reuse the installation\'s key, and to generate one only for a new installation', () => {
    const [problem] = problemsOf(() => loadBaseConfig({ NODE_ENV: 'development' }));
    expect(problem).toContain('use the same key as the other Gantry processes (web, workers)');
    expect(problem).toContain('generate one with `openssl rand -base64 32` only for a new installation');
  });

  it('defaults local services in development only', () => {
    const dev = loadBaseConfig({ GANTRY_ENCRYPTION_KEY: key });
    expect(dev.databaseUrl).toBe('postgresql://postgres@127.0.0.1:5432/gantry');
    expect(dev.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(problemsOf(() => loadBaseConfig({ NODE_ENV: 'production', GANTRY_ENCRYPTION_KEY: key }))).toHaveLength(2);
  });

  it('rejects a heartbeat too slow for the lease', () => {
    expect(problemsOf(() => loadWorkerConfig({ ...valid, GANTRY_LEASE_MS: '3000', GANTRY_HEARTBEAT_MS: '2000' }))).toEqual([
      expect.stringMatching(/GANTRY_HEARTBEAT_MS: must be at most half of GANTRY_LEASE_MS/),
    ]);
  });

  it('requires a work dir in production and absolute binary paths', () => {
    const problems = problemsOf(() =>
      loadWorkerConfig({ ...valid, GANTRY_WORK_DIR: undefined, GANTRY_TERRAFORM_BIN: 'terraform' }),
    );
    expect(problems.join('\n')).toMatch(/GANTRY_TERRAFORM_BIN: must be an absolute path/);
    const missingDir = problemsOf(() => loadWorkerConfig({ ...valid, GANTRY_WORK_DIR: undefined }));
    expect(missingDir).toEqual([expect.stringMatching(/GANTRY_WORK_DIR: is required in production/)]);
  });

  it('requires a long auth secret for the web app', () => {
    expect(problemsOf(() => loadWebConfig({ ...valid, AUTH_SECRET: 'short' }))).toEqual([
      expect.stringMatching(/AUTH_SECRET: must be at least 32 characters/),
    ]);
    expect(loadWebConfig({ ...valid, AUTH_SECRET: 'x'.repeat(40) }).authSecret).toBe('x'.repeat(40));
  });

  it('reads which proxies to trust for the client address, refusing what it does not understand', () => {
    const web = (trust: string | undefined) => loadWebConfig({ ...valid, AUTH_SECRET: 'x'.repeat(40), GANTRY_TRUST_PROXY: trust });
    expect(web(undefined).trustProxy).toEqual({ kind: 'none' });
    expect(web('FALSE').trustProxy).toEqual({ kind: 'none' });
    expect(web('0').trustProxy).toEqual({ kind: 'none' });
    expect(web('true').trustProxy).toEqual({ kind: 'all' });
    expect(web('2').trustProxy).toEqual({ kind: 'hops', hops: 2 });
    expect(problemsOf(() => web('yes'))).toEqual([expect.stringMatching(/^GANTRY_TRUST_PROXY: must be false, true, or the number of proxies/)]);
    expect(problemsOf(() => web('99'))).toEqual([
      'GANTRY_TRUST_PROXY: must be false, true, or the number of proxies in front of Gantry (1–10) (got "99")',
    ]);
  });

  it('formats the error for humans', () => {
    expect(() => loadBaseConfig({ NODE_ENV: 'production' })).toThrow(/^Invalid Gantry configuration:\n {2}- /);
  });
});
