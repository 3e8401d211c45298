import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findDeclaredBackend } from '../workspace/state.ts';
import { atLowPriority, collectSecrets, firstVendorError } from './phase-context.ts';
import { normalizeProjectRoot } from './project-root.ts';

describe('firstVendorError', () => {
  it("finds OpenTofu's first diagnostic with its file and line, through colours and box drawing", () => {
    const output =
      '\u001b[31m╷\u001b[0m\n' +
      '\u001b[31m│\u001b[0m \u001b[1m\u001b[31mError: \u001b[0m\u001b[1mInvalid multi-line string\u001b[0m\n' +
      '\u001b[31m│\u001b[0m \n' +
      '\u001b[31m│\u001b[0m   on main.tf line 5, in resource "terraform_data" "broken":\n' +
      '\u001b[31m│\u001b[0m Error: Second one\n';
    expect(firstVendorError(output)).toBe('Invalid multi-line string (main.tf line 5)');
  });

  it('returns the summary alone when there is no location, and nothing without an error', () => {
    expect(firstVendorError('Error: Failed to load plugin schemas\n\nmore')).toBe('Failed to load plugin schemas');
    expect(firstVendorError('all good\n')).toBeUndefined();
  });
});

describe('normalizeProjectRoot', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['.', ''],
    ['/', ''],
    ['infra', 'infra'],
    ['./infra/app/', 'infra/app'],
    ['/infra//app', 'infra/app'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeProjectRoot(input)).toBe(expected);
  });

  it('refuses paths that leave the repository', () => {
    expect(() => normalizeProjectRoot('../other')).toThrow(/inside the repository/);
    expect(() => normalizeProjectRoot('infra/../../x')).toThrow(/inside the repository/);
  });
});

describe('collectSecrets', () => {
  it('gathers explicit secrets, secret variables and credential values, skipping empty ones', () => {
    expect(
      collectSecrets(
        ['a', ''],
        [
          { name: 'PUBLIC', value: 'visible' },
          { name: 'TOKEN', value: 'hidden', secret: true },
        ],
        { AWS_SECRET_ACCESS_KEY: 'key' },
      ),
    ).toEqual(['a', 'hidden', 'key']);
  });
});

describe('findDeclaredBackend', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const project = async (files: Record<string, string>) => {
    const dir = await mkdtemp(join(tmpdir(), 'gantry-backend-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
    return dir;
  };

  it('finds backend and cloud blocks in .tf and .tf.json files', async () => {
    expect(await findDeclaredBackend(await project({ 'a.tf': 'terraform {\n  backend "s3" {\n  }\n}\n' }))).toEqual({
      type: 's3',
      file: 'a.tf',
    });
    expect((await findDeclaredBackend(await project({ 'b.tf': 'terraform {\n  cloud {\n  }\n}\n' })))?.type).toBe('cloud');
    expect(
      (await findDeclaredBackend(await project({ 'c.tf.json': '{"terraform": {"backend": {"http": {"address": "x"}}}}' })))
        ?.type,
    ).toBe('http');
  });

  it('ignores commented-out backends and configurations without one', async () => {
    expect(
      await findDeclaredBackend(
        await project({
          'main.tf': 'terraform {\n  # backend "s3" {}\n  /*\n  backend "gcs" {}\n  */\n}\nresource "terraform_data" "a" {}\n',
        }),
      ),
    ).toBeNull();
  });
});

describe('atLowPriority', () => {
  const show = { binary: '/opt/tofu', displayName: 'tofu', args: ['show', '-json', 'plan.tfplan'], cwd: '/w', env: { A: '1' } };

  it('runs the command through nice, everything else unchanged', () => {
    expect(atLowPriority(show, '/usr/bin/nice')).toEqual({ ...show, binary: '/usr/bin/nice', args: ['-n', '10', '/opt/tofu', 'show', '-json', 'plan.tfplan'] });
  });

  it('leaves the command as it is on a machine without nice', () => {
    expect(atLowPriority(show, null)).toBe(show);
  });
});
