import NextAuth from 'next-auth';
import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { authConfig } from './auth.config.ts';

// Runs before page requests: signed-out users go to the sign-in page (and come back after),
// signed-in users skip the sign-in and sign-up pages. API routes authorize themselves.
const { auth } = NextAuth(authConfig);

const PUBLIC_PATHS = new Set(['/sign-in', '/sign-up']);

const pageGate = auth((request) => {
  const { pathname, search } = request.nextUrl;
  const signedIn = Boolean(request.auth?.user);
  if (PUBLIC_PATHS.has(pathname)) {
    return signedIn ? NextResponse.redirect(new URL('/', request.nextUrl)) : NextResponse.next();
  }
  if (!signedIn) {
    const url = new URL('/sign-in', request.nextUrl);
    if (pathname !== '/') url.searchParams.set('callbackUrl', pathname + search);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
});

export function proxy(request: NextRequest, event: NextFetchEvent) {
  // Non-GET page requests are server actions (sign-in, sign-out…), which check the session
  // themselves. Skipping them matters: Auth.js's wrapper re-issues the session cookie on every
  // request it sees, which would undo the cookie deletion of a sign-out.
  if (request.method !== 'GET' && request.method !== 'HEAD') return NextResponse.next();
  return pageGate(request, event as never);
}

export const config = {
  matcher: ['/((?!api/|_next/|favicon\\.ico|.*\\.(?:svg|png|jpg|ico|txt|woff2?)$).*)'],
};
