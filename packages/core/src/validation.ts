import { DomainError } from '@gantry/domain';
import type { z } from 'zod';

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
