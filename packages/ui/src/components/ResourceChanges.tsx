'use client';

import { Fragment, useId, useMemo, useState } from 'react';
import { cx } from '../lib/cx.ts';
import {
  attributeChanges,
  resourceAction,
  RESOURCE_ACTION_LABEL,
  RESOURCE_ACTION_SYMBOL,
  type DisplayValue,
  type ResourceAction,
  type ResourceChangeInput,
} from '../lib/plan.ts';
import { IconChevronRight } from './icons.tsx';

const ACTION_CLASSES: Record<ResourceAction, string> = {
  create: 'text-emerald-700 dark:text-emerald-400',
  update: 'text-amber-700 dark:text-amber-400',
  delete: 'text-red-700 dark:text-red-400',
  replace: 'text-violet-700 dark:text-violet-400',
  read: 'text-sky-700 dark:text-sky-400',
  'no-op': 'text-muted',
};

function Value({ value }: { value: DisplayValue }) {
  switch (value.kind) {
    case 'absent':
      return <span className="text-muted">—</span>;
    case 'sensitive':
      return <span className="rounded bg-subtle px-1 text-muted italic">(sensitive value)</span>;
    case 'unknown':
      return <span className="text-muted italic">(known after apply)</span>;
    default:
      return <span className="break-words">{value.text}</span>;
  }
}

/** The set with `item` added, or removed if it was in. */
function toggled<T>(set: ReadonlySet<T>, item: T): ReadonlySet<T> {
  const next = new Set(set);
  if (next.has(item)) next.delete(item);
  else next.add(item);
  return next;
}

/** Above this many changes the table gets a filter by address and by action. */
export const RESOURCE_FILTER_THRESHOLD = 8;

const ACTION_ORDER: readonly ResourceAction[] = ['create', 'update', 'replace', 'delete', 'read'];

/**
 * Table of resource changes; each row expands to show attributes before → after. Long plans get a
 * filter (address text, actions) so the destroys in a 300-resource plan can be found at once.
 */
export function ResourceChanges({ changes, className }: { changes: readonly ResourceChangeInput[]; className?: string }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [query, setQuery] = useState('');
  const [actions, setActions] = useState<ReadonlySet<ResourceAction>>(new Set());
  const filterId = useId();
  const visible = useMemo(() => changes.filter((c) => resourceAction(c.actions) !== 'no-op'), [changes]);
  const counts = useMemo(() => {
    const byAction = new Map<ResourceAction, number>();
    for (const c of visible) {
      const action = resourceAction(c.actions);
      byAction.set(action, (byAction.get(action) ?? 0) + 1);
    }
    return byAction;
  }, [visible]);
  const needle = query.trim().toLowerCase();
  const shown = visible.filter(
    (c) => (actions.size === 0 || actions.has(resourceAction(c.actions))) && (!needle || c.address.toLowerCase().includes(needle)),
  );
  const toggle = (address: string) => setOpen((prev) => toggled(prev, address));
  const toggleAction = (action: ResourceAction) => setActions((prev) => toggled(prev, action));
  if (visible.length === 0) return <p className="text-sm text-muted">No resource changes.</p>;
  const filterable = visible.length > RESOURCE_FILTER_THRESHOLD;
  const filtered = shown.length !== visible.length;
  const allOpen = shown.length > 0 && shown.every((c) => open.has(c.address));
  return (
    <div className={className}>
      {filterable ? (
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-line px-3 py-2">
          <div className="flex items-center gap-2">
            <label htmlFor={filterId} className="text-xs font-medium text-muted">
              Filter resources
            </label>
            <input
              id={filterId}
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="address…"
              spellCheck={false}
              className="h-7 w-56 rounded-md border border-line bg-surface px-2 font-mono text-xs focus:border-accent focus:outline-2 focus:-outline-offset-1 focus:outline-accent/40"
            />
          </div>
          <div role="group" aria-label="Filter by action" className="flex flex-wrap items-center gap-1">
            {ACTION_ORDER.filter((a) => counts.has(a)).map((action) => (
              <button
                key={action}
                type="button"
                aria-pressed={actions.has(action)}
                onClick={() => toggleAction(action)}
                className={cx(
                  'inline-flex items-center gap-1 rounded border px-1.5 py-px font-mono text-[11px] leading-4',
                  actions.has(action) ? 'border-accent bg-accent/10 text-fg' : 'border-line bg-subtle text-muted hover:text-fg',
                )}
              >
                <span className={ACTION_CLASSES[action]} aria-hidden="true">
                  {RESOURCE_ACTION_SYMBOL[action]}
                </span>
                {RESOURCE_ACTION_LABEL[action]} {counts.get(action)}
              </button>
            ))}
          </div>
          <p className="text-xs text-muted" role="status">
            {filtered ? `${shown.length} of ${visible.length} shown` : `${visible.length} resources`}
          </p>
          {filtered ? (
            <button type="button" className="text-xs font-medium text-accent hover:underline" onClick={() => {
                setQuery('');
                setActions(new Set());
              }}>
              Clear filter
            </button>
          ) : null}
          <button
            type="button"
            className="ml-auto text-xs font-medium text-accent hover:underline"
            onClick={() => setOpen(allOpen ? new Set() : new Set(shown.map((c) => c.address)))}
          >
            {allOpen ? 'Collapse all' : 'Expand all'}
          </button>
        </div>
      ) : null}
      <table className="w-full text-sm">
        <caption className="sr-only">Resource changes</caption>
        <thead>
          <tr className="border-b border-line text-left text-xs text-muted">
            <th scope="col" className="w-28 px-3 py-1.5 font-medium">Action</th>
            <th scope="col" className="px-3 py-1.5 font-medium">Address</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((change) => {
            const action = resourceAction(change.actions);
            const expanded = open.has(change.address);
            return (
              <Fragment key={change.address}>
                <tr className="border-b border-line last:border-0">
                  <td className={cx('px-3 py-1.5 font-mono text-xs font-semibold whitespace-nowrap', ACTION_CLASSES[action])}>
                    <span aria-hidden="true" className="inline-block w-3">{RESOURCE_ACTION_SYMBOL[action]}</span> {RESOURCE_ACTION_LABEL[action]}
                  </td>
                  <td className="px-3 py-1.5">
                    <button
                      type="button"
                      aria-expanded={expanded}
                      onClick={() => toggle(change.address)}
                      className="inline-flex items-center gap-1 text-left font-mono text-xs text-fg hover:text-accent"
                    >
                      <IconChevronRight size={12} className={cx('shrink-0 transition-transform', expanded && 'rotate-90')} />
                      {change.address}
                    </button>
                  </td>
                </tr>
                {expanded ? (
                  <tr className="border-b border-line bg-subtle/60">
                    <td colSpan={2} className="px-3 py-2">
                      <AttributeTable change={change} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
          {shown.length === 0 ? (
            <tr>
              <td colSpan={2} className="px-3 py-4 text-center text-xs text-muted">
                No resource matches this filter.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function AttributeTable({ change }: { change: ResourceChangeInput }) {
  const rows = attributeChanges(change);
  if (rows.length === 0) return <p className="text-xs text-muted">No attributes.</p>;
  return (
    <table className="w-full font-mono text-xs">
      <caption className="sr-only">Attributes of {change.address}</caption>
      <thead>
        <tr className="text-left text-muted">
          <th scope="col" className="w-1/4 py-1 pr-3 font-sans font-medium">Attribute</th>
          <th scope="col" className="w-[37%] py-1 pr-3 font-sans font-medium">Before</th>
          <th scope="col" className="py-1 font-sans font-medium">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.path} className={cx('align-top', !row.changed && 'text-muted')}>
            <th scope="row" className="py-0.5 pr-3 text-left font-normal">
              {row.changed ? <span className="sr-only">changed: </span> : null}
              {row.path}
            </th>
            <td className={cx('py-0.5 pr-3', row.changed && 'text-red-700 dark:text-red-300')}>
              <Value value={row.before} />
            </td>
            <td className={cx('py-0.5', row.changed && 'text-emerald-700 dark:text-emerald-300')}>
              {row.changed ? <span aria-hidden="true" className="mr-1 text-muted">→</span> : null}
              <Value value={row.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
