import { loadWebConfig } from '@gantry/config';
import { isDomainError } from '@gantry/domain';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { authConfig } from './auth.config.ts';
import { verifyCredentials } from './server/backend.ts';
import { requestClientAddress } from './server/client-address.ts';

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email(),
  password: z.string().min(1),
});

class InvalidCredentials extends CredentialsSignin {
  override code = 'invalid_credentials';
}

/** Too many failed sign-ins for the email or from the client's address (the sign-in form says when to retry). */
export class TooManySignInAttempts extends CredentialsSignin {
  override code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super();
  }
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
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentials();
          // Auth.js hands over the original request's headers (x-forwarded-for as Next set it).
          const clientIp = requestClientAddress(request.headers);
          const user = await verifyCredentials(parsed.data.email, parsed.data.password, { clientIp }).catch((error: unknown) => {
            if (isDomainError(error) && error.code === 'RATE_LIMITED') {
              const seconds = Number(error.details.retryAfterSeconds);
              throw new TooManySignInAttempts(Number.isFinite(seconds) && seconds > 0 ? seconds : 15 * 60);
            }
            throw error;
          });
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
