import { isRecordNotFound, type StoredVariableRow } from '@gantry/db';
import { DomainError, isReservedEnvironmentName } from '@gantry/domain';
import { z } from 'zod';
import { audit } from '../audit.ts';
import { assertCanWrite } from '../authz.ts';
import type { AccountScope } from '../context.ts';
import { sealContext } from '../crypto/secret-box.ts';
import { idInput, parseInput, textInput } from '../validation.ts';

export const setVariableInput = z.object({
  stackId: idInput,
  name: textInput(255)
    .trim()
    .min(1, 'Name the variable')
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'Use letters, digits and underscores, not starting with a digit')
    .refine((n) => !isReservedEnvironmentName(n), 'This name is reserved by Gantry'),
  value: textInput(64 * 1024, 'Values are at most 64 KiB'),
  secret: z.boolean(),
});

export interface VariableView {
  id: string;
  name: string;
  secret: boolean;
  /** null for secrets: they are never shown again. */
  value: string | null;
  updatedAt: Date;
}

export async function listVariables(scope: AccountScope, stackId: string): Promise<VariableView[]> {
  const stack = await scope.db.stack.findUnique({ where: { id: stackId }, select: { id: true } });
  if (!stack) throw DomainError.notFound('Stack', stackId);
  const rows = await scope.db.environmentVariable.findMany({
    where: { stackId },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, secret: true, value: true, updatedAt: true },
  });
  return rows.map((row) => ({ id: row.id, name: row.name, secret: row.secret, value: row.secret ? null : row.value, updatedAt: row.updatedAt }));
}

/** Creates or replaces a variable. Secret values are encrypted and never returned. */
export async function setVariable(scope: AccountScope, rawInput: z.input<typeof setVariableInput>): Promise<VariableView> {
  assertCanWrite(scope);
  const input = parseInput(setVariableInput, rawInput);
  const stack = await scope.db.stack.findUnique({ where: { id: input.stackId }, select: { id: true } });
  if (!stack) throw DomainError.notFound('Stack', input.stackId);
  const stored = input.secret
    ? { secret: true, value: null, ciphertext: scope.services.secretBox.seal(input.value, sealContext.envVar(scope.account.id, stack.id, input.name)) }
    : { secret: false, value: input.value, ciphertext: null };
  const row = await scope.db.environmentVariable.upsert({
    where: { stackId_name: { stackId: stack.id, name: input.name } },
    create: { accountId: scope.account.id, stackId: stack.id, name: input.name, ...stored },
    update: stored,
  });
  await audit(scope.db, scope.actor, 'env.set', { type: 'Stack', id: stack.id }, { name: input.name, secret: input.secret });
  return { id: row.id, name: row.name, secret: row.secret, value: row.secret ? null : row.value, updatedAt: row.updatedAt };
}

export const deleteVariableInput = z.object({ stackId: idInput, id: idInput });
export const listVariablesInput = z.object({ stackId: idInput });

export async function deleteVariable(scope: AccountScope, rawInput: z.input<typeof deleteVariableInput>): Promise<{ id: string }> {
  assertCanWrite(scope);
  const input = parseInput(deleteVariableInput, rawInput);
  try {
    const row = await scope.db.environmentVariable.delete({ where: { id: input.id, stackId: input.stackId } });
    await audit(scope.db, scope.actor, 'env.delete', { type: 'Stack', id: input.stackId }, { name: row.name });
    return { id: row.id };
  } catch (error) {
    if (isRecordNotFound(error)) throw DomainError.notFound('Variable', input.id);
    throw error;
  }
}

export interface RunVariable {
  name: string;
  value: string;
  secret: boolean;
}

/** The stack's variables with secrets decrypted, for the worker running a phase. */
export async function loadRunVariables(scope: AccountScope, stackId: string): Promise<RunVariable[]> {
  const rows = await scope.db.environmentVariable.findMany({ where: { stackId }, orderBy: { name: 'asc' } });
  return openRunVariables(scope, stackId, rows);
}

/** Stored variables of a stack (ordered) as a phase gets them: secrets decrypted. */
export function openRunVariables(scope: AccountScope, stackId: string, rows: readonly StoredVariableRow[]): RunVariable[] {
  return rows.map((row) => ({
    name: row.name,
    secret: row.secret,
    value: row.secret
      ? scope.services.secretBox.openString(row.ciphertext ?? new Uint8Array(), sealContext.envVar(scope.account.id, stackId, row.name))
      : (row.value ?? ''),
  }));
}
