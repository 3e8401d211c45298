import { describe, expect, it } from 'vitest';
import { allLabels, filterStacks, parseLabels, sortStacks, type StackRow } from './stacks.ts';

const stack = (name: string, extra: Partial<StackRow> = {}): StackRow => ({
  id: name,
  name,
  description: null,
  labels: [],
  branch: 'main',
  lastRun: null,
  ...extra,
});

const run = (state: string, createdAt: string) => ({ id: `r-${state}`, state, createdAt, commitSha: null });

describe('filterStacks', () => {
  const stacks = [
    stack('network', { labels: ['env:prod', 'team:infra'], description: 'VPC and subnets' }),
    stack('web-app', { labels: ['env:prod'], branch: 'release' }),
    stack('sandbox', { labels: ['env:dev'] }),
  ];

  it('matches name, description, branch and labels case-insensitively', () => {
    expect(filterStacks(stacks, 'WEB', []).map((s) => s.name)).toEqual(['web-app']);
    expect(filterStacks(stacks, 'subnets', []).map((s) => s.name)).toEqual(['network']);
    expect(filterStacks(stacks, 'release', []).map((s) => s.name)).toEqual(['web-app']);
    expect(filterStacks(stacks, 'env:dev', []).map((s) => s.name)).toEqual(['sandbox']);
    expect(filterStacks(stacks, '  ', [])).toHaveLength(3);
  });

  it('requires every selected label', () => {
    expect(filterStacks(stacks, '', ['env:prod']).map((s) => s.name)).toEqual(['network', 'web-app']);
    expect(filterStacks(stacks, '', ['env:prod', 'team:infra']).map((s) => s.name)).toEqual(['network']);
    expect(filterStacks(stacks, 'web', ['team:infra'])).toEqual([]);
  });
});

describe('sortStacks', () => {
  const stacks = [
    stack('b', { lastRun: run('FINISHED', '2026-11-25T10:00:00Z') }),
    stack('a10', { lastRun: run('FAILED', '2026-11-25T09:00:00Z') }),
    stack('a2', { lastRun: null }),
    stack('c', { lastRun: run('UNCONFIRMED', '2026-11-25T11:00:00Z') }),
  ];

  it('sorts names naturally, both ways', () => {
    expect(sortStacks(stacks, 'name', 'asc').map((s) => s.name)).toEqual(['a2', 'a10', 'b', 'c']);
    expect(sortStacks(stacks, 'name', 'desc').map((s) => s.name)).toEqual(['c', 'b', 'a10', 'a2']);
  });

  it('puts runs needing attention first and never-run stacks last', () => {
    expect(sortStacks(stacks, 'state', 'asc').map((s) => s.name)).toEqual(['a10', 'c', 'b', 'a2']);
  });

  it('sorts by last run time with never-run stacks oldest', () => {
    expect(sortStacks(stacks, 'lastRun', 'desc').map((s) => s.name)).toEqual(['c', 'b', 'a10', 'a2']);
  });

  it('does not mutate its input', () => {
    const copy = [...stacks];
    sortStacks(stacks, 'name', 'desc');
    expect(stacks).toEqual(copy);
  });
});

describe('labels', () => {
  it('parses commas and whitespace, dropping blanks and duplicates', () => {
    expect(parseLabels('env:prod, team:infra  web,,env:prod')).toEqual(['env:prod', 'team:infra', 'web']);
    expect(parseLabels('   ')).toEqual([]);
  });

  it('collects the labels in use', () => {
    expect(allLabels([stack('a', { labels: ['z', 'a'] }), stack('b', { labels: ['a', 'm'] })])).toEqual(['a', 'm', 'z']);
  });
});
