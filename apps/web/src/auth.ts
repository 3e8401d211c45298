import { loadWebConfig } from '@gantry/config';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { authConfig } from './auth.config.ts';
import { verifyCredentials } from './server/backend.ts';

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1),
});

class InvalidCredentials extends CredentialsSignin {
  override code = 'invalid_credentials';
}

// Configuration is read per request (lazy form), so `next build` needs no secrets and a
// misconfigured server fails on its first request with a message listing what is wrong.
export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const config = loadWebConfig();
  return {
    ...authConfig,
    secret: config.authSecret,
    providers: [
      Credentials({
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentials();
          const user = await verifyCredentials(parsed.data.email, parsed.data.password);
          if (!user) throw new InvalidCredentials();
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
    ],
  };
});

/** The signed-in user's id, or null. */
export async function sessionUserId(): Promise<string | null> {
  const session = await auth();
  return session?.user?.id ?? null;
}
