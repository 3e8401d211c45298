import { RESERVED_ENVIRONMENT_NAMES } from '@gantry/domain';
import { describe, expect, it } from 'vitest';
import { setVariableInput } from './env/variables.ts';
import { stackInput, stackUpdateInput } from './stacks/stacks.ts';
import { slugify } from './users/users.ts';
import { parseInput } from './validation.ts';

const base = { name: 'net', repositoryUrl: 'https://github.com/acme/infra.git', branch: 'main' };

describe('stack input rules', () => {
  it('accepts every repository URL form and fills defaults', () => {
    for (const repositoryUrl of [
      'https://github.com/acme/infra.git',
      'ssh://git@github.com/acme/infra.git',
      'git@github.com:acme/infra.git',
      '/srv/git/infra',
      'file:///srv/git/infra',
      'https://deploy@github.com/acme/infra.git',
    ]) {
      expect(parseInput(stackInput, { ...base, repositoryUrl })).toMatchObject({
        repositoryUrl,
        description: '',
        labels: [],
        projectRoot: '',
        vendor: 'OPENTOFU',
        vendorVersion: null,
        autodeploy: false,
      });
    }
  });

  it('rejects bad input with the field named', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ repositoryUrl: 'ftp://example.com/x' }, 'repositoryUrl'],
      [{ repositoryUrl: 'ext::sh -c evil' }, 'repositoryUrl'],
      [{ repositoryUrl: 'relative/path' }, 'repositoryUrl'],
      [{ repositoryUrl: 'https://x-access-token:ghp_secret@github.com/acme/infra.git' }, 'repositoryUrl'],
      [{ repositoryUrl: 'https://user:@github.com/acme/infra.git' }, 'repositoryUrl'],
      [{ description: 'a\u0000b' }, 'description'],
      [{ name: 'n'.repeat(101) }, 'name'],
      [{ branch: 'has space' }, 'branch'],
      [{ branch: 'a..b' }, 'branch'],
      [{ projectRoot: '../up' }, 'projectRoot'],
      [{ projectRoot: '/abs' }, 'projectRoot'],
      [{ name: '' }, 'name'],
      [{ name: '-dash-first' }, 'name'],
      [{ labels: ['has space'] }, 'labels.0'],
      [{ vendorVersion: 'latest' }, 'vendorVersion'],
    ];
    for (const [patch, field] of cases) {
      try {
        parseInput(stackInput, { ...base, ...patch });
        throw new Error(`accepted ${JSON.stringify(patch)}`);
      } catch (error) {
        expect(error, JSON.stringify(patch)).toMatchObject({ code: 'INVALID_INPUT', details: { field } });
      }
    }
  });

  it('normalizes the project root and de-duplicates labels', () => {
    expect(parseInput(stackInput, { ...base, projectRoot: './infra/prod/', labels: ['a', 'b', 'a'] })).toMatchObject({
      projectRoot: 'infra/prod',
      labels: ['a', 'b'],
    });
    expect(parseInput(stackInput, { ...base, projectRoot: '.' }).projectRoot).toBe('');
  });

  it('an update changes only what was sent (no defaults)', () => {
    expect(parseInput(stackUpdateInput, { id: 's1', autodeploy: true })).toEqual({ id: 's1', autodeploy: true });
  });
});

describe('variables and slugs', () => {
  it('refuses names the runner owns (the domain’s one list) and malformed names', () => {
    for (const name of [...RESERVED_ENVIRONMENT_NAMES, 'GANTRY_ANYTHING', '1ABC', 'A-B'])
      expect(setVariableInput.safeParse({ stackId: 's', name, value: 'x', secret: false }).success, name).toBe(false);
    expect(setVariableInput.safeParse({ stackId: 's', name: 'TF_VAR_region', value: 'x', secret: true }).success).toBe(true);
  });

  it('derives account slugs', () => {
    expect(slugify('Acme Corp!')).toBe('acme-corp');
    expect(slugify('Ünïcödé  Ltd.')).toBe('unicode-ltd');
    expect(slugify('!!!')).toBe('account');
    expect(slugify('x'.repeat(80))).toHaveLength(40);
  });
});
