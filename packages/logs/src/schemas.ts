import { z } from 'zod';

// Ids become parts of Redis key and channel names, so they are kept to a safe alphabet
// (cuid, uuid and nanoid ids all fit).
export const entityIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1–128 characters of A–Z, a–z, 0–9, _ or -');

/** Run states are the domain's upper-case names (PLANNING, APPLYING, …); the logs do not interpret them. */
export const runStateSchema = z.string().regex(/^[A-Z][A-Z_]{0,63}$/, 'must be an upper-case run state name such as PLANNING');

/** Parses `value` or throws a TypeError naming `what` and the problem. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ` : '') + i.message).join('; ');
    throw new TypeError(`Invalid ${what}: ${problems}`);
  }
  return result.data;
}
