import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { cx } from '../lib/cx.ts';

// Every control has a visible <label> bound by id, and its hint and error are bound with
// aria-describedby, so tests and screen readers find fields by their label.

export const controlClasses = cx(
  'block w-full rounded-md border border-line bg-surface px-2.5 text-sm text-fg shadow-xs placeholder:text-muted/70',
  'focus:border-accent focus:outline-2 focus:-outline-offset-1 focus:outline-accent/40',
  'aria-[invalid=true]:border-red-500 disabled:opacity-60',
);

interface FieldShellProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | string[] | null;
  optional?: boolean;
  children: ReactNode;
  className?: string;
}

function firstError(error: string | string[] | null | undefined): string | null {
  if (!error) return null;
  return Array.isArray(error) ? (error[0] ?? null) : error;
}

function FieldShell({ id, label, hint, error, optional, children, className }: FieldShellProps) {
  const message = firstError(error);
  return (
    <div className={cx('space-y-1.5', className)}>
      <label htmlFor={id} className="flex items-baseline gap-1.5 text-sm font-medium text-fg">
        {label}
        {optional ? <span className="text-xs font-normal text-muted">optional</span> : null}
      </label>
      {children}
      {hint && !message ? (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
      {message ? (
        <p id={`${id}-error`} className="text-xs font-medium text-red-600 dark:text-red-400">
          {message}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  if (firstError(error as string | string[] | null)) return `${id}-error`;
  return hint ? `${id}-hint` : undefined;
}

type Common = { label: ReactNode; hint?: ReactNode; error?: string | string[] | null; optional?: boolean; fieldClassName?: string };

export function TextField({ label, hint, error, optional, fieldClassName, className, id: givenId, ...input }: Common & InputHTMLAttributes<HTMLInputElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional} className={fieldClassName}>
      <input
        id={id}
        aria-invalid={firstError(error) ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cx(controlClasses, 'h-8', className)}
        {...input}
      />
    </FieldShell>
  );
}

export function TextAreaField({ label, hint, error, optional, fieldClassName, className, id: givenId, ...input }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional} className={fieldClassName}>
      <textarea
        id={id}
        aria-invalid={firstError(error) ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cx(controlClasses, 'min-h-16 py-1.5', className)}
        {...input}
      />
    </FieldShell>
  );
}

export function SelectField({ label, hint, error, optional, fieldClassName, className, id: givenId, children, ...select }: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional} className={fieldClassName}>
      <select
        id={id}
        aria-invalid={firstError(error) ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        className={cx(controlClasses, 'h-8 pr-8', className)}
        {...select}
      >
        {children}
      </select>
    </FieldShell>
  );
}

/** A checkbox with its label to the right and an optional description below. */
export function CheckboxField({ label, hint, error, className, id: givenId, ...input }: Omit<Common, 'optional' | 'fieldClassName'> & InputHTMLAttributes<HTMLInputElement>) {
  const autoId = useId();
  const id = givenId ?? autoId;
  const message = firstError(error);
  return (
    <div className={cx('flex items-start gap-2.5', className)}>
      <input
        id={id}
        type="checkbox"
        aria-describedby={describedBy(id, hint, error)}
        aria-invalid={message ? true : undefined}
        className="mt-0.5 size-4 rounded border-line accent-[var(--accent)]"
        {...input}
      />
      <div className="text-sm">
        <label htmlFor={id} className="font-medium text-fg">
          {label}
        </label>
        {hint && !message ? (
          <p id={`${id}-hint`} className="text-xs text-muted">
            {hint}
          </p>
        ) : null}
        {message ? (
          <p id={`${id}-error`} className="text-xs font-medium text-red-600 dark:text-red-400">
            {message}
          </p>
        ) : null}
      </div>
    </div>
  );
}
