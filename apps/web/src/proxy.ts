import { loadWebConfig } from '@gantry/config';
import { getToken } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';

// Runs before page requests: signed-out users go to the sign-in page (and come back after),
// signed-in users skip the sign-in and sign-up pages. API routes authorize themselves.
//
// It only reads the session token (getToken). Auth.js's own middleware wrapper would re-issue the
// session cookie on every request, and a prefetch in flight during sign-out would then put the
// cookie back after the sign-out deleted it.

const PUBLIC_PATHS = new Set(['/sign-in', '/sign-up']);
const SECURE_COOKIE = '__Secure-authjs.session-token';

let authSecret: string | undefined;

async function isSignedIn(request: NextRequest): Promise<boolean> {
  authSecret ??= loadWebConfig().authSecret;
  // Behind TLS, Auth.js names the cookie with the __Secure- prefix (and may split it in chunks).
  const secureCookie = request.cookies.getAll().some((c) => c.name.startsWith(SECURE_COOKIE));
  const token = await getToken({ req: request, secret: authSecret, secureCookie });
  return Boolean(token?.sub);
}

export async function proxy(request: NextRequest) {
  // Non-GET page requests are server actions (sign-in, sign-out…), which check the session themselves.
  if (request.method !== 'GET' && request.method !== 'HEAD') return NextResponse.next();
  const { pathname, search } = request.nextUrl;
  // Invitation links serve the signed-out (sign up) and the signed-in (join) alike.
  if (pathname.startsWith('/invite/')) return NextResponse.next();
  const signedIn = await isSignedIn(request);
  if (PUBLIC_PATHS.has(pathname)) {
    return signedIn ? NextResponse.redirect(new URL('/', request.nextUrl)) : NextResponse.next();
  }
  if (!signedIn) {
    const url = new URL('/sign-in', request.nextUrl);
    if (pathname !== '/') url.searchParams.set('callbackUrl', pathname + search);
    return NextResponse.redirect(url);
  }
  return NextResponse.next();
}

export const config = {
  matcher: ['/((?!api/|_next/|favicon\\.ico|.*\\.(?:svg|png|jpg|ico|txt|woff2?)$).*)'],
};
