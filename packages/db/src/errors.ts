import { Prisma } from './generated/prisma/client.ts';

/** True when `error` is a unique-constraint violation (optionally on exactly these fields). */
export function isUniqueViolation(error: unknown, fields?: string[]): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  if (!fields) return true;
  const target = uniqueTarget(error);
  return target !== null && fields.every((f) => target.includes(f));
}

function uniqueTarget(error: Prisma.PrismaClientKnownRequestError): string[] | null {
  const meta = error.meta as Record<string, unknown> | undefined;
  if (!meta) return null;
  if (Array.isArray(meta.target)) return meta.target.map(String);
  // Driver adapters report the constraint differently: { driverAdapterError: { cause: { constraint: { fields } } } }
  const cause = (meta.driverAdapterError as { cause?: { constraint?: { fields?: string[]; index?: string }; table?: string } } | undefined)?.cause;
  if (cause?.constraint?.fields) return cause.constraint.fields.map((f) => f.replace(/"/g, ''));
  const index = cause?.constraint?.index;
  if (index) {
    // Prisma's default index names: <Model>_<field>_<field>_key (no field of ours has an underscore).
    const model = cause.table ?? (meta.modelName as string | undefined) ?? '';
    const body = index.startsWith(`${model}_`) ? index.slice(model.length + 1) : index;
    return body.replace(/_key$/, '').split('_');
  }
  return null;
}

/** True when `error` says the row to update/delete does not exist (P2025). */
export function isRecordNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
}
