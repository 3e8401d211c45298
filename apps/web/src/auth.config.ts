import type { NextAuthConfig } from 'next-auth';

// The part of the Auth.js configuration that needs no database: the proxy uses it to read the
// session cookie on every request; auth.ts adds the Credentials provider on top.
export const authConfig = {
  pages: { signIn: '/sign-in' },
  session: { strategy: 'jwt' },
  // Self-hosted behind whatever proxy the operator runs: trust the Host / X-Forwarded-Host headers.
  trustHost: true,
  providers: [],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
} satisfies NextAuthConfig;
