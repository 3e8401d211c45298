import { describe, expect, it } from 'vitest';
import { appRouter } from './routers/app.ts';

/**
 * Every string and array a client can send has a maximum length: walks each procedure's input
 * schema (zod 4) and lists what is unbounded. A new input without limits fails here.
 */

interface ZodLike {
  _zod: { def: Record<string, unknown> & { type: string }; bag: Record<string, unknown> };
}

/** The schema's maximum length, from its checks (zod 4 fills `bag` lazily, on first use). */
function maximumOf(schema: ZodLike): number | undefined {
  const checks = (schema._zod.def.checks ?? []) as Array<{ _zod: { def: { check: string; maximum?: number; length?: number } } }>;
  for (const check of checks) {
    if (check._zod.def.check === 'max_length') return check._zod.def.maximum;
    if (check._zod.def.check === 'length_equals') return check._zod.def.length;
  }
  return typeof schema._zod.bag.maximum === 'number' ? schema._zod.bag.maximum : undefined;
}

function unbounded(schema: ZodLike, path: string, out: string[], seen = new Set<unknown>()): string[] {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const { def } = schema._zod;
  const child = (key: string) => def[key] as ZodLike;
  switch (def.type) {
    case 'string':
      if (maximumOf(schema) === undefined) out.push(`${path || '(input)'}: string without max`);
      break;
    case 'array':
      if (maximumOf(schema) === undefined) out.push(`${path || '(input)'}: array without max`);
      unbounded(child('element'), `${path}[]`, out, seen);
      break;
    case 'object':
      for (const [key, value] of Object.entries(def.shape as Record<string, ZodLike>)) unbounded(value, path ? `${path}.${key}` : key, out, seen);
      if (def.catchall && (def.catchall as ZodLike)._zod.def.type !== 'never') out.push(`${path}: object accepts unknown keys`);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      unbounded(child('innerType'), path, out, seen);
      break;
    case 'pipe':
      // What the client sends is parsed by the first schema of the pipe.
      unbounded(child('in'), path, out, seen);
      break;
    case 'union':
      for (const option of def.options as ZodLike[]) unbounded(option, path, out, seen);
      break;
    case 'boolean':
    case 'number':
    case 'int':
    case 'enum':
    case 'literal':
    case 'transform':
    case 'undefined':
    case 'null':
      break;
    default:
      out.push(`${path || '(input)'}: unchecked schema type ${def.type}`);
  }
  return out;
}

const procedures = (appRouter as unknown as { _def: { procedures: Record<string, { _def: { inputs: ZodLike[] } }> } })._def.procedures;

describe('input limits', () => {
  it('every procedure input is bounded', () => {
    const problems: string[] = [];
    for (const [name, procedure] of Object.entries(procedures)) {
      for (const input of procedure._def.inputs) problems.push(...unbounded(input, '', []).map((p) => `${name} ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it('the walker finds unbounded strings and arrays', async () => {
    const { z } = await import('zod');
    const schema = z.object({ a: z.string(), b: z.array(z.string().max(3)), c: z.string().max(3).optional(), d: z.string().trim().max(2).pipe(z.email()) });
    expect(unbounded(schema as unknown as ZodLike, '', [])).toEqual(['a: string without max', 'b: array without max']);
  });
});
