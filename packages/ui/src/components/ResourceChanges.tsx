'use client';

import { Fragment, useState } from 'react';
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

/** Table of resource changes; each row expands to show attributes before → after. */
export function ResourceChanges({ changes, className }: { changes: readonly ResourceChangeInput[]; className?: string }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const visible = changes.filter((c) => resourceAction(c.actions) !== 'no-op');
  const toggle = (address: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(address)) next.delete(address);
      else next.add(address);
      return next;
    });
  if (visible.length === 0) return <p className="text-sm text-muted">No resource changes.</p>;
  return (
    <table className={cx('w-full text-sm', className)}>
      <caption className="sr-only">Resource changes</caption>
      <thead>
        <tr className="border-b border-line text-left text-xs text-muted">
          <th scope="col" className="w-28 px-3 py-1.5 font-medium">Action</th>
          <th scope="col" className="px-3 py-1.5 font-medium">Address</th>
        </tr>
      </thead>
      <tbody>
        {visible.map((change) => {
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
      </tbody>
    </table>
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
