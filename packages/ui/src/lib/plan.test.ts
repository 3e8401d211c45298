import { describe, expect, it } from 'vitest';
import { attributeChanges, formatPlanSummary, hasNoChanges, planSummaryParts, resourceAction } from './plan.ts';

describe('plan summary', () => {
  it('spells out every part with its sign', () => {
    expect(planSummaryParts({ add: 2, change: 1, destroy: 3, replace: 1 }).map((p) => p.text)).toEqual([
      '+2 to add',
      '~1 to change',
      '\u22123 to destroy',
      '1 to replace',
    ]);
  });

  it('formats a one-liner that skips zeros, or says there are no changes', () => {
    expect(formatPlanSummary({ add: 1, change: 0, destroy: 2, replace: 0 })).toBe('+1 to add, \u22122 to destroy');
    expect(formatPlanSummary({ add: 0, change: 0, destroy: 0, replace: 0 })).toBe('No changes');
    expect(hasNoChanges({ add: 0, change: 0, destroy: 0, replace: 1 })).toBe(false);
  });
});

describe('resourceAction', () => {
  it.each([
    [['create'], 'create'],
    [['update'], 'update'],
    [['delete'], 'delete'],
    [['delete', 'create'], 'replace'],
    [['create', 'delete'], 'replace'],
    [['read'], 'read'],
    [['no-op'], 'no-op'],
    [[], 'no-op'],
  ] as const)('%j → %s', (actions, action) => {
    expect(resourceAction(actions)).toBe(action);
  });
});

describe('attributeChanges', () => {
  it('lists every attribute of a created resource, unknowns included', () => {
    const rows = attributeChanges({
      address: 'terraform_data.x',
      actions: ['create'],
      before: null,
      after: { input: 'hello', triggers_replace: null },
      afterUnknown: { id: true, output: true },
    });
    expect(rows).toEqual([
      { path: 'id', before: { kind: 'absent' }, after: { kind: 'unknown' }, changed: true },
      { path: 'input', before: { kind: 'absent' }, after: { kind: 'value', text: '"hello"' }, changed: true },
      { path: 'output', before: { kind: 'absent' }, after: { kind: 'unknown' }, changed: true },
      { path: 'triggers_replace', before: { kind: 'absent' }, after: { kind: 'value', text: 'null' }, changed: true },
    ]);
  });

  it('marks unknown values that are not in after (known after apply)', () => {
    const rows = attributeChanges({ address: 'a', actions: ['update'], before: { id: 'x' }, after: { id: null }, afterUnknown: { id: true } });
    expect(rows).toEqual([{ path: 'id', before: { kind: 'value', text: '"x"' }, after: { kind: 'unknown' }, changed: true }]);
  });

  it('descends into nested maps and lists and flags only what changed', () => {
    const rows = attributeChanges({
      address: 'a',
      actions: ['update'],
      before: { tags: { env: 'dev', team: 'infra' }, ports: [80, 443] },
      after: { tags: { env: 'prod', team: 'infra' }, ports: [80] },
    });
    expect(rows.map((r) => [r.path, r.changed])).toEqual([
      ['ports[0]', false],
      ['ports[1]', true],
      ['tags.env', true],
      ['tags.team', false],
    ]);
    expect(rows.find((r) => r.path === 'ports[1]')!.after).toEqual({ kind: 'absent' });
  });

  it('never shows sensitive values, whether masked by the plan or redacted by the server', () => {
    const rows = attributeChanges({
      address: 'a',
      actions: ['update'],
      before: { password: 'old-secret', token: '(sensitive)' },
      after: { password: 'new-secret', token: '(sensitive)' },
      beforeSensitive: { password: true },
      afterSensitive: { password: true },
    });
    expect(JSON.stringify(rows)).not.toContain('secret"');
    expect(rows.map((r) => [r.path, r.before.kind, r.after.kind])).toEqual([
      ['password', 'sensitive', 'sensitive'],
      ['token', 'sensitive', 'sensitive'],
    ]);
  });

  it('hides a whole sensitive block without descending into it', () => {
    const rows = attributeChanges({ address: 'a', actions: ['create'], before: null, after: { creds: { key: 'k' } }, afterSensitive: { creds: true } });
    expect(rows).toEqual([{ path: 'creds', before: { kind: 'absent' }, after: { kind: 'sensitive' }, changed: true }]);
  });

  it('compares whole values when the shape changes', () => {
    const rows = attributeChanges({ address: 'a', actions: ['update'], before: { v: 'x' }, after: { v: ['x'] } });
    expect(rows).toEqual([{ path: 'v', before: { kind: 'value', text: '"x"' }, after: { kind: 'value', text: '["x"]' }, changed: true }]);
  });

  it('treats empty containers as values', () => {
    const rows = attributeChanges({ address: 'a', actions: ['update'], before: { tags: {} }, after: { tags: { a: '1' } } });
    expect(rows).toEqual([{ path: 'tags', before: { kind: 'value', text: '{}' }, after: { kind: 'value', text: '{"a":"1"}' }, changed: true }]);
  });
});
