import { z } from 'zod';

/**
 * The parts of `tofu show -json <planfile>` (format 1.x) that Gantry relies on. Everything else is
 * kept as it is (loose objects), since plan policies receive the whole document.
 */

export const RAW_ACTIONS = ['no-op', 'create', 'read', 'update', 'delete', 'forget'] as const;
export type RawAction = (typeof RAW_ACTIONS)[number];

const changeSchema = z.looseObject({
  actions: z.array(z.enum(RAW_ACTIONS)).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
});

export const resourceChangeSchema = z.looseObject({
  address: z.string(),
  module_address: z.string().optional(),
  mode: z.enum(['managed', 'data']),
  type: z.string(),
  name: z.string(),
  index: z.union([z.string(), z.number()]).optional(),
  change: changeSchema,
  action_reason: z.string().optional(),
});

export const planJsonSchema = z.looseObject({
  format_version: z.string().regex(/^1\./, 'only plan JSON format 1.x is supported'),
  terraform_version: z.string().optional(),
  resource_changes: z.array(resourceChangeSchema).optional(),
  output_changes: z.record(z.string(), changeSchema).optional(),
  errored: z.boolean().optional(),
});

export type PlanJson = z.infer<typeof planJsonSchema>;
export type PlanResourceChange = z.infer<typeof resourceChangeSchema>;
export type PlanChange = z.infer<typeof changeSchema>;

export class PlanJsonError extends Error {
  override readonly name = 'PlanJsonError';
}

/** Validates a parsed (or JSON text) plan document; throws PlanJsonError naming the bad field. */
export function parsePlanJson(input: unknown): PlanJson {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new PlanJsonError(`Plan JSON is not valid JSON: ${(error as Error).message}`);
    }
  }
  const result = planJsonSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new PlanJsonError(`Plan JSON is not in the expected shape at ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
