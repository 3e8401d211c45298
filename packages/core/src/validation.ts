import { DomainError } from '@gantry/domain';
import { z } from 'zod';

/** Longest id accepted anywhere (Gantry's ids are 36-character UUIDs). */
export const MAX_ID_LENGTH = 64;

const hasNoNul = (value: string) => !value.includes('\u0000');

/**
 * A string input of at most `max` characters, without NUL characters (Postgres text cannot hold
 * them, and neither can a process environment). Every string a client sends goes through this or
 * `idInput`, so no input is unbounded; the API's input-limits test checks it.
 */
export function textInput(max: number, tooLong = `Use at most ${max} characters`) {
  return z.string().max(max, tooLong).refine(hasNoNul, 'Text cannot contain NUL characters');
}

/** An id of a row (stack, run, variable, cursor). */
export const idInput = z.string().min(1, 'Missing id').max(MAX_ID_LENGTH, `Ids are at most ${MAX_ID_LENGTH} characters`);

/** A zod failure as INVALID_INPUT with per-field messages (forms show them next to the fields). */
export function zodToDomainError(error: z.ZodError): DomainError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || '_';
    (fieldErrors[field] ??= []).push(issue.message);
  }
  const first = error.issues[0];
  const field = first ? first.path.map(String).join('.') : undefined;
  const message = first ? (field ? `${field}: ${first.message}` : first.message) : 'Invalid input';
  return new DomainError('INVALID_INPUT', message, { ...(field ? { field } : {}), fieldErrors });
}

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw zodToDomainError(result.error);
  return result.data;
}
