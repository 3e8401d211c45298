import { forAccount, isUniqueViolation, type PrismaClient } from '@gantry/db';
import { DomainError } from '@gantry/domain';
import { z } from 'zod';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../crypto/password.ts';
import type { AccountScope, Role, ScopeServices } from '../context.ts';
import { textInput, zodToDomainError } from '../validation.ts';
import type { RateLimiter, RateRule } from './rate-limit.ts';

/** An email address as users type it: trimmed and lower-cased (emails are stored lower-cased). */
export const emailInput = textInput(320)
  .trim()
  .toLowerCase()
  .pipe(z.email('Enter a valid email address'))
  .pipe(z.string().max(254, 'Use at most 254 characters'));
export const passwordInput = z.string().min(8, 'Use at least 8 characters').max(1024, 'Use at most 1024 characters');
export const personNameInput = textInput(100).trim().min(1, 'Enter your name');

export const signUpInput = z.object({
  email: emailInput,
  password: passwordInput,
  name: personNameInput,
  accountName: textInput(100).trim().min(1, 'Name your account'),
});
export type SignUpInput = z.input<typeof signUpInput>;

export interface PublicUser {
  id: string;
  email: string;
  name: string;
}

export interface AccountSummary {
  id: string;
  slug: string;
  name: string;
}

/** "Acme Corp!" → "acme-corp". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug || 'account';
}

/** Slugs that would collide with the web app's own routes. */
const RESERVED_SLUGS = new Set(['api', 'login', 'logout', 'signup', 'sign-up', 'sign-in', 'settings', 'new', 'static', '_next', 'auth', 'admin']);

/** Brute-force limits. Failed sign-ins count per email and per client address; sign-ups per address. */
export const AUTH_RATE_RULES = {
  signInPerEmail: { name: 'signin-email', max: 10, windowMs: 15 * 60_000 },
  signInPerAddress: { name: 'signin-address', max: 100, windowMs: 15 * 60_000 },
  signUpPerAddress: { name: 'signup-address', max: 10, windowMs: 60 * 60_000 },
} as const satisfies Record<string, RateRule>;

export interface AuthAttemptOptions {
  /** Counts attempts; without it nothing is limited (tests, trusted callers). */
  limiter?: RateLimiter;
  /** The client's address as the web app saw it (x-forwarded-for behind a proxy), when known. */
  clientIp?: string | null;
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));
const tooMany = (what: string, resetInMs: number) =>
  DomainError.rateLimited(`${what}; try again in ${minutes(resetInMs)} minute${minutes(resetInMs) === 1 ? '' : 's'}`, Math.ceil(resetInMs / 1000));

/** Counts a sign-up from the client's address; over the limit throws RATE_LIMITED. Call it before hashing. */
export async function countSignUpAttempt(options: AuthAttemptOptions): Promise<void> {
  if (!options.limiter || !options.clientIp) return;
  const rule = AUTH_RATE_RULES.signUpPerAddress;
  const state = await options.limiter.consume(rule, options.clientIp);
  if (state.count > rule.max) throw tooMany('Too many sign-ups from your network', state.resetInMs);
}

/** A new user, admin of a new account (slug derived from the account name, made unique). */
export async function signUp(
  prisma: PrismaClient,
  input: SignUpInput,
  options: AuthAttemptOptions = {},
): Promise<{ user: PublicUser; account: AccountSummary }> {
  const parsed = signUpInput.safeParse(input);
  if (!parsed.success) throw zodToDomainError(parsed.error);
  // Counted before the (deliberately slow) password hash.
  await countSignUpAttempt(options);
  const { email, password, name, accountName } = parsed.data;
  const passwordHash = await hashPassword(password);
  const base = slugify(accountName);

  for (let attempt = 0; attempt < 20; attempt++) {
    const slug =
      attempt === 0 && !RESERVED_SLUGS.has(base) ? base : `${base.slice(0, 33)}-${Math.random().toString(36).slice(2, 8)}`;
    try {
      return await prisma.$transaction(async (tx) => {
        const user = await tx.user.create({ data: { email, name, passwordHash } });
        const account = await tx.account.create({ data: { slug, name: accountName } });
        await tx.membership.create({ data: { accountId: account.id, userId: user.id, role: 'ADMIN' } });
        await tx.space.create({ data: { accountId: account.id, name: 'root', description: 'Default space' } });
        await tx.auditEntry.create({
          data: { accountId: account.id, actorKind: 'USER', actorId: user.id, action: 'account.create', targetType: 'Account', targetId: account.id },
        });
        return { user: { id: user.id, email: user.email, name: user.name }, account: { id: account.id, slug: account.slug, name: account.name } };
      });
    } catch (error) {
      if (isUniqueViolation(error, ['email'])) throw DomainError.conflict('An account with this email already exists', 'email');
      if (isUniqueViolation(error, ['slug'])) continue;
      throw error;
    }
  }
  throw new DomainError('CONFLICT', 'Could not find a free account address; try another account name', { field: 'accountName' });
}

/**
 * The user for these credentials, or null. Takes the same time whether or not the email exists.
 * With a limiter, too many failures for the email (or from the client's address) answer
 * RATE_LIMITED before any password is checked, whether or not the email exists.
 */
export async function verifyCredentials(
  prisma: PrismaClient,
  email: string,
  password: string,
  options: AuthAttemptOptions = {},
): Promise<PublicUser | null> {
  if (typeof email !== 'string' || typeof password !== 'string' || password.length > 1024 || email.length > 320) return null;
  const normalized = email.trim().toLowerCase();
  const { limiter, clientIp } = options;
  if (limiter) {
    const [byEmail, byAddress] = await Promise.all([
      limiter.peek(AUTH_RATE_RULES.signInPerEmail, normalized),
      clientIp ? limiter.peek(AUTH_RATE_RULES.signInPerAddress, clientIp) : null,
    ]);
    if (byEmail.count >= AUTH_RATE_RULES.signInPerEmail.max) throw tooMany('Too many failed sign-in attempts for this email', byEmail.resetInMs);
    if (byAddress && byAddress.count >= AUTH_RATE_RULES.signInPerAddress.max)
      throw tooMany('Too many failed sign-in attempts from your network', byAddress.resetInMs);
  }
  const user = await prisma.user.findUnique({ where: { email: normalized } });
  const valid = user ? await verifyPassword(password, user.passwordHash) : await verifyPassword(password, await dummyPasswordHash()).then(() => false);
  if (limiter) {
    if (valid) await limiter.reset(AUTH_RATE_RULES.signInPerEmail, normalized);
    else
      await Promise.all([
        limiter.consume(AUTH_RATE_RULES.signInPerEmail, normalized),
        clientIp ? limiter.consume(AUTH_RATE_RULES.signInPerAddress, clientIp) : null,
      ]);
  }
  return user && valid ? { id: user.id, email: user.email, name: user.name } : null;
}

export async function getMe(
  prisma: PrismaClient,
  userId: string,
): Promise<{ user: PublicUser; accounts: Array<{ slug: string; name: string; role: Role }> }> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    include: { memberships: { include: { account: true }, orderBy: { createdAt: 'asc' } } },
  });
  if (!user) throw DomainError.unauthenticated('Your session refers to a user that no longer exists; sign in again');
  return {
    user: { id: user.id, email: user.email, name: user.name },
    accounts: user.memberships.map((m) => ({ slug: m.account.slug, name: m.account.name, role: m.role })),
  };
}

/**
 * The account scope for a signed-in user and an account slug from the URL. Not a member (or no such
 * account) answers NOT_FOUND, so account slugs cannot be probed.
 */
export async function accountScopeForUser(
  prisma: PrismaClient,
  services: ScopeServices,
  userId: string,
  accountSlug: string,
): Promise<AccountScope> {
  const membership = await prisma.membership.findFirst({
    where: { userId, account: { slug: accountSlug } },
    include: { account: true, user: { select: { id: true, name: true } } },
  });
  if (!membership) throw DomainError.notFound('Account', accountSlug);
  const { account } = membership;
  return {
    db: forAccount(prisma, account.id),
    account: { id: account.id, slug: account.slug, name: account.name },
    actor: { kind: 'USER', id: membership.user.id, name: membership.user.name },
    role: membership.role,
    services,
  };
}
