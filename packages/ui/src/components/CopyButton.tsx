'use client';

import { useState } from 'react';
import { cx } from '../lib/cx.ts';
import { IconCheck, IconCopy } from './icons.tsx';

/** Copies `value`; the label is for screen readers only unless `showLabel` (then it is the button's text). */
export function CopyButton({ value, label = 'Copy', className, showLabel = false }: { value: string; label?: string; className?: string; showLabel?: boolean }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className={cx('inline-flex items-center gap-1 rounded px-1 text-xs text-muted hover:bg-subtle hover:text-fg', className)}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        } catch {
          // Clipboard blocked (insecure origin): the value is visible next to the button anyway.
        }
      }}
    >
      {copied ? <IconCheck size={12} /> : <IconCopy size={12} />}
      <span className={cx(!copied && !showLabel && 'sr-only')}>{copied ? 'Copied' : label}</span>
    </button>
  );
}
