import { isRecordNotFound, isUniqueViolation, type Stack, type TenantTx } from '@gantry/db';
import { DomainError, holdsStackLock, LOCK_HOLDING_STATES, type RunState } from '@gantry/domain';
import { classifyRepositoryUrl, GitInputError } from '@gantry/vcs';
import { posix } from 'node:path';
import { z } from 'zod';
import { audit } from '../audit.ts';
import { assertAdmin, assertCanWrite } from '../authz.ts';
import type { AccountScope } from '../context.ts';
import { shortId } from '../short-id.ts';
import { idInput, parseInput, textInput } from '../validation.ts';
import { promoteQueuedRuns } from '../runs/transition.ts';

const repositoryUrl = textInput(2048)
  .trim()
  .min(1, 'Enter the repository URL')
  .superRefine((value, ctx) => {
    if (value === '') return; // "Enter the repository URL" says it
    try {
      classifyRepositoryUrl(value);
      if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i.test(value))
        ctx.addIssue({
          code: 'custom',
          message: 'Leave the password or token out of the repository URL: everyone who can see the stack would see it',
        });
    } catch (error) {
      // The message says what is wrong and which forms are accepted.
      ctx.addIssue({ code: 'custom', message: error instanceof GitInputError ? error.message : 'Not a repository URL' });
    }
  });

const branch = textInput(255)
  .trim()
  .min(1, 'Enter a branch')
  .refine(
    // git check-ref-format's main rules; the exact check happens when the branch is resolved.
    (b) => !/(^[-/.])|([/.]$)|\.\.|[\s~^:?*[\\\x00-\x1f\x7f]|@\{|\/\/|\.lock$/.test(b),
    'Not a valid branch name',
  );

const projectRoot = textInput(1024)
  .trim()
  .transform((p) => p.replace(/^\.\/+/, '').replace(/\/+$/, ''))
  .refine((p) => !p.startsWith('/'), 'Use a path relative to the repository root')
  .refine((p) => p === '' || p.split('/').every((part) => part !== '..' && part !== ''), 'Use a path inside the repository (no ".." or empty parts)')
  .transform((p) => (p === '.' ? '' : posix.normalize(p || '.').replace(/^\.$/, '')));

const label = textInput(64, 'Labels are at most 64 characters')
  .trim()
  .min(1, 'Labels cannot be empty')
  .regex(/^[^\s,]+$/, 'Labels cannot contain spaces or commas');

const description = textInput(5000).trim();
const labels = z
  .array(label)
  .max(50, 'At most 50 labels')
  .transform((list) => [...new Set(list)]);
const vendor = z.enum(['OPENTOFU', 'TERRAFORM']);
const vendorVersion = textInput(64)
  .trim()
  .regex(/^\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.-]+)?$/, 'Use a version like 1.6.2')
  .nullish()
  .transform((v) => v || null);
const name = textInput(100)
  .trim()
  .min(1, 'Name the stack')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'Use letters, digits, spaces, dots, dashes and underscores');

export const stackInput = z.object({
  name,
  description: description.optional().default(''),
  labels: labels.optional().default([]),
  repositoryUrl,
  branch,
  projectRoot: projectRoot.optional().default(''),
  vendor: vendor.optional().default('OPENTOFU'),
  vendorVersion,
  autodeploy: z.boolean().optional().default(false),
});
export type StackInput = z.input<typeof stackInput>;

/** Only the fields sent are changed (no defaults here, unlike stackInput). */
export const stackUpdateInput = z.object({
  id: idInput,
  name: name.optional(),
  description: description.optional(),
  labels: labels.optional(),
  repositoryUrl: repositoryUrl.optional(),
  branch: branch.optional(),
  projectRoot: projectRoot.optional(),
  vendor: vendor.optional(),
  vendorVersion: vendorVersion.optional(),
  autodeploy: z.boolean().optional(),
});
export type StackUpdateInput = z.input<typeof stackUpdateInput>;

export const stackListInput = z
  .object({ search: textInput(200).trim().optional(), labels: z.array(textInput(64).trim().min(1)).max(50, 'At most 50 labels').optional() })
  .optional();

export interface StackView {
  id: string;
  name: string;
  description: string;
  labels: string[];
  repositoryUrl: string;
  branch: string;
  projectRoot: string;
  vendor: 'OPENTOFU' | 'TERRAFORM';
  vendorVersion: string | null;
  autodeploy: boolean;
  lockedReason: string | null;
  lockedByRunId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface StackListItem extends StackView {
  lastRun: { id: string; state: RunState; createdAt: Date; commitSha: string | null } | null;
}

export function toStackView(stack: Stack): StackView {
  return {
    id: stack.id,
    name: stack.name,
    description: stack.description,
    labels: stack.labels,
    repositoryUrl: stack.repositoryUrl,
    branch: stack.branch,
    projectRoot: stack.projectRoot,
    vendor: stack.vendor,
    vendorVersion: stack.vendorVersion,
    autodeploy: stack.autodeploy,
    lockedReason: stack.lockedReason,
    lockedByRunId: stack.lockedByRunId,
    createdAt: stack.createdAt,
    updatedAt: stack.updatedAt,
  };
}

function duplicateName(name: string): DomainError {
  return DomainError.conflict(`A stack named "${name}" already exists in this account`, 'name');
}

export async function listStacks(scope: AccountScope, rawInput?: z.input<typeof stackListInput>): Promise<StackListItem[]> {
  const input = parseInput(stackListInput, rawInput) ?? {};
  // One tenant transaction for the few reads (row-level security is set up once).
  return scope.db.transaction(async (tx) => {
    const stacks = await tx.stack.findMany({
      where: {
        ...(input.search
          ? {
              OR: [
                { name: { contains: input.search, mode: 'insensitive' as const } },
                { description: { contains: input.search, mode: 'insensitive' as const } },
                { labels: { has: input.search } },
              ],
            }
          : {}),
        ...(input.labels?.length ? { labels: { hasEvery: input.labels } } : {}),
      },
      orderBy: { name: 'asc' },
    });
    const runs = await representativeRuns(tx, stacks);
    return stacks.map((stack) => ({ ...toStackView(stack), lastRun: runs.get(stack.id) ?? null }));
  });
}

export async function getStack(scope: AccountScope, id: string): Promise<StackListItem> {
  return scope.db.transaction(async (tx) => {
    const stack = await tx.stack.findUnique({ where: { id } });
    if (!stack) throw DomainError.notFound('Stack', id);
    const runs = await representativeRuns(tx, [stack]);
    return { ...toStackView(stack), lastRun: runs.get(stack.id) ?? null };
  });
}

type LastRun = NonNullable<StackListItem['lastRun']>;
const LAST_RUN_SELECT = { id: true, stackId: true, type: true, state: true, createdAt: true, commitSha: true } as const;

/**
 * The run that shows each stack's state (`lastRun`): the tracked run or task holding the stack lock;
 * else the run whose interrupted apply left the stack locked; else the newest tracked run (null if
 * the stack never had one). A later run that was canceled, or a proposed run, does not hide a run
 * that holds the stack. Two indexed queries whatever the number of stacks and runs.
 */
async function representativeRuns(tx: TenantTx, stacks: readonly Stack[]): Promise<Map<string, LastRun>> {
  const out = new Map<string, LastRun>();
  if (stacks.length === 0) return out;
  const stackIds = stacks.map((s) => s.id);
  const lockedBy = new Set(stacks.flatMap((s) => (s.lockedByRunId ? [s.lockedByRunId] : [])));
  const newestAt = await tx.run.groupBy({ by: ['stackId'], where: { stackId: { in: stackIds }, type: 'TRACKED' }, _max: { createdAt: true } });
  const newestKeys = newestAt.flatMap((g) => (g._max.createdAt ? [{ stackId: g.stackId, createdAt: g._max.createdAt }] : []));
  const candidates = await tx.run.findMany({
    where: {
      stackId: { in: stackIds },
      OR: [
        { type: { in: ['TRACKED', 'TASK'] }, state: { in: [...LOCK_HOLDING_STATES] } },
        ...(lockedBy.size ? [{ id: { in: [...lockedBy] } }] : []),
        // One predicate for all stacks (a few extra rows at most; the exact pairs are checked below).
        ...(newestKeys.length ? [{ type: 'TRACKED' as const, createdAt: { in: newestKeys.map((k) => k.createdAt) } }] : []),
      ],
    },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: LAST_RUN_SELECT,
  });
  const view = (run: (typeof candidates)[number]): LastRun => ({ id: run.id, state: run.state, createdAt: run.createdAt, commitSha: run.commitSha });
  const newest = new Set(newestKeys.map((k) => `${k.stackId} ${k.createdAt.getTime()}`));
  // Later writes win: newest tracked run (ties: the larger id) < run that left the stack locked < lock holder.
  for (const run of candidates) if (run.type === 'TRACKED' && newest.has(`${run.stackId} ${run.createdAt.getTime()}`)) out.set(run.stackId, view(run));
  for (const run of candidates) if (lockedBy.has(run.id) && !holdsStackLock(run)) out.set(run.stackId, view(run));
  for (const run of candidates) if (holdsStackLock(run)) out.set(run.stackId, view(run));
  return out;
}

export async function createStack(scope: AccountScope, rawInput: StackInput): Promise<StackView> {
  assertCanWrite(scope);
  const input = parseInput(stackInput, rawInput);
  const space = await scope.db.space.findFirst({ orderBy: { createdAt: 'asc' } });
  if (!space) throw new DomainError('PRECONDITION_FAILED', 'This account has no space to put stacks in');
  try {
    return await scope.db.transaction(async (tx) => {
      const stack = await tx.stack.create({ data: { ...input, accountId: tx.accountId, spaceId: space.id } });
      await audit(tx, scope.actor, 'stack.create', { type: 'Stack', id: stack.id }, { name: stack.name });
      return toStackView(stack);
    });
  } catch (error) {
    if (isUniqueViolation(error, ['name'])) throw duplicateName(input.name);
    throw error;
  }
}

export async function updateStack(scope: AccountScope, rawInput: StackUpdateInput): Promise<StackView> {
  assertCanWrite(scope);
  const { id, ...changes } = parseInput(stackUpdateInput, rawInput);
  const sent = Object.fromEntries(Object.entries(changes).filter(([key, value]) => value !== undefined && key in (rawInput as object)));
  try {
    return await scope.db.transaction(async (tx) => {
      const stack = await tx.stack.update({ where: { id }, data: sent });
      await audit(tx, scope.actor, 'stack.update', { type: 'Stack', id }, { fields: Object.keys(sent) });
      return toStackView(stack);
    });
  } catch (error) {
    if (isRecordNotFound(error)) throw DomainError.notFound('Stack', id);
    if (isUniqueViolation(error, ['name'])) throw duplicateName(String(sent.name));
    throw error;
  }
}

/** Deletes a stack with its runs, variables and state. Refused while a run is active. */
export async function deleteStack(scope: AccountScope, id: string): Promise<{ id: string }> {
  assertAdmin(scope);
  return scope.db.transaction(async (tx) => {
    if (!(await tx.lockStack(id))) throw DomainError.notFound('Stack', id);
    const active = await tx.run.findFirst({
      where: { stackId: id, state: { in: [...LOCK_HOLDING_STATES] } },
      select: { id: true, state: true },
    });
    if (active)
      throw new DomainError('INVALID_STATE', `Run ${shortId(active.id)} is ${active.state}; stop or discard it before deleting the stack`, {
        runId: active.id,
        state: active.state,
      });
    await tx.stack.delete({ where: { id } });
    await audit(tx, scope.actor, 'stack.delete', { type: 'Stack', id });
    return { id };
  });
}

/** Clears the lock left by an interrupted apply, after a human checked the infrastructure. */
export async function unlockStack(scope: AccountScope, id: string): Promise<StackView> {
  assertCanWrite(scope);
  const { effects, view } = await scope.db.transaction(async (tx) => {
    if (!(await tx.lockStack(id))) throw DomainError.notFound('Stack', id);
    const stack = await tx.stack.update({ where: { id }, data: { lockedReason: null, lockedByRunId: null } });
    await audit(tx, scope.actor, 'stack.unlock', { type: 'Stack', id });
    const effects = await promoteQueuedRuns(tx, id, scope.services.now());
    return { effects, view: toStackView(stack) };
  });
  effects.publish(scope);
  return view;
}
