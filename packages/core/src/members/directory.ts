import type { PrismaClient } from '@gantry/db';
import type { PublicUser } from '../users/users.ts';

/**
 * The one cross-account lookup an admin's "add member" needs: whether a user with this email
 * exists. Users are global (not tenant data), so this is the system path, kept this narrow on
 * purpose: an exact, lower-cased email in, the public fields out.
 */
export interface UserDirectory {
  findByEmail(email: string): Promise<PublicUser | null>;
}

export function createUserDirectory(prisma: PrismaClient): UserDirectory {
  return {
    async findByEmail(email) {
      const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() }, select: { id: true, email: true, name: true } });
      return user ?? null;
    },
  };
}
