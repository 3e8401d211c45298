import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunnerError } from '../errors.ts';
import { buildRunEnvironment, RESERVED_ENVIRONMENT_NAMES, workspaceLayout } from './environment.ts';

const WORKER_SECRETS = {
  DATABASE_URL: 'postgres://worker:pw@db/gantry',
  REDIS_URL: 'redis://cache:6379',
  AUTH_SECRET: 'auth-secret-value',
  GANTRY_ENCRYPTION_KEY: 'k'.repeat(44),
};

describe('buildRunEnvironment', () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [name, value] of Object.entries(WORKER_SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const build = (overrides: Partial<Parameters<typeof buildRunEnvironment>[0]> = {}) =>
    buildRunEnvironment({
      workspaceDir: '/work/runs/plan-abc',
      vendorBinary: '/opt/tofu/bin/tofu',
      variables: [],
      ...overrides,
    });

  it('contains nothing of the worker environment', () => {
    const env = build();
    for (const name of Object.keys(WORKER_SECRETS)) expect(env).not.toHaveProperty(name);
    for (const value of Object.values(WORKER_SECRETS)) expect(Object.values(env)).not.toContain(value);
    expect(Object.keys(env).filter((name) => name.startsWith('GANTRY_'))).toEqual([]);
    expect(Object.keys(env).sort()).toEqual(
      ['CHECKPOINT_DISABLE', 'HOME', 'LANG', 'PATH', 'TF_CLI_CONFIG_FILE', 'TF_INPUT', 'TF_IN_AUTOMATION', 'TMPDIR'].sort(),
    );
  });

  it('puts HOME, TMPDIR and the CLI configuration inside the workspace, and the vendor first in PATH', () => {
    const env = build();
    const layout = workspaceLayout('/work/runs/plan-abc');
    expect(env.HOME).toBe(layout.home);
    expect(env.TMPDIR).toBe(layout.tmp);
    expect(env.TF_CLI_CONFIG_FILE).toBe(layout.cliConfigFile);
    for (const path of [env.HOME, env.TMPDIR, env.TF_CLI_CONFIG_FILE]) expect(path).toMatch(/^\/work\/runs\/plan-abc\//);
    expect(env.PATH).toBe('/opt/tofu/bin:/usr/local/bin:/usr/bin:/bin');
    expect(env.TF_IN_AUTOMATION).toBe('1');
    expect(env.TF_INPUT).toBe('0');
  });

  it('passes the stack variables and lets credentials win over them', () => {
    const env = build({
      variables: [
        { name: 'TF_VAR_region', value: 'eu-west-1' },
        { name: 'AWS_ACCESS_KEY_ID', value: 'from-variable' },
        { name: 'TF_LOG', value: 'DEBUG' },
      ],
      credentials: { AWS_ACCESS_KEY_ID: 'ASIA-run', AWS_SESSION_TOKEN: 'session' },
    });
    expect(env.TF_VAR_region).toBe('eu-west-1');
    expect(env.TF_LOG).toBe('DEBUG');
    expect(env.AWS_ACCESS_KEY_ID).toBe('ASIA-run');
    expect(env.AWS_SESSION_TOKEN).toBe('session');
  });

  it('lists a vendor directory that is a system directory only once', () => {
    expect(build({ vendorBinary: '/usr/bin/terraform' }).PATH).toBe('/usr/bin:/usr/local/bin:/bin');
  });

  it.each([...RESERVED_ENVIRONMENT_NAMES, 'GANTRY_ANYTHING'])('refuses a variable overriding %s', (name) => {
    expect(() => build({ variables: [{ name, value: 'x' }] })).toThrow(/set by Gantry/);
    expect(() => build({ credentials: { [name]: 'x' } })).toThrow(RunnerError);
  });

  it('refuses invalid variable names and values', () => {
    expect(() => build({ variables: [{ name: '1BAD', value: 'x' }] })).toThrow(/not a valid environment variable name/);
    expect(() => build({ variables: [{ name: 'A=B', value: 'x' }] })).toThrow(RunnerError);
    expect(() => build({ variables: [{ name: 'OK', value: 'a\0b' }] })).toThrow(/cannot be passed/);
  });
});
