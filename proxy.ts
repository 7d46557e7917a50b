import { type NextRequest, NextResponse } from "next/server";
import { sessionKey } from "@/lib/auth/secret";
import {
  newGuest,
  openSession,
  renewed,
  SESSION_COOKIE,
  sealSession,
  sessionCookieOptions,
  wantsRenewal,
} from "@/lib/auth/session";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { isAllowedHost, publicOrigin, viewerHost } from "@/lib/http/host";

/** Paths open without signing in when AUTH_REQUIRED is on: readiness, and signing in itself. */
const OPEN_PATHS = [/^\/api\/health$/, /^\/api\/auth\//, /^\/signin$/];

/**
 * Runs before every page and API route (not the build's static files):
 * - refuses a Host the app does not answer for (DNS rebinding);
 * - gives a request without a valid session a new guest session (Set-Cookie, and the request
 *   itself carries it on, so the route's run belongs to that visitor), and renews an old one;
 * - with AUTH_REQUIRED, sends guests to sign in (pages) or answers 401 (API).
 * It is a convenience, not the security boundary: every route checks the session and the run's
 * owner itself (lib/auth/visitor.ts).
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const env = serverEnv();
  const host = viewerHost(request, env);
  if (!isAllowedHost(host, env)) {
    const refusal = new AppError("forbidden_host", `This server does not answer for the host "${host}".`);
    return NextResponse.json(refusal.toBody(), { status: refusal.status });
  }
  const key = sessionKey(env);
  const current = await openSession(request.cookies.get(SESSION_COOKIE)?.value, key);
  const { pathname } = request.nextUrl;
  if (env.AUTH_REQUIRED && current?.kind !== "user" && !OPEN_PATHS.some((open) => open.test(pathname))) {
    if (pathname.startsWith("/api/")) {
      const refusal = new AppError("unauthorized", "Sign in to use this app.");
      return NextResponse.json(refusal.toBody(), { status: refusal.status });
    }
    const signIn = new URL("/signin", publicOrigin(request, env));
    signIn.searchParams.set("returnTo", `${pathname}${request.nextUrl.search}`);
    return NextResponse.redirect(signIn);
  }
  const visitor = !current ? newGuest() : wantsRenewal(current) ? renewed(current) : undefined;
  if (!visitor) return NextResponse.next();
  const token = await sealSession(visitor, key);
  request.cookies.set(SESSION_COOKIE, token);
  const response = NextResponse.next({ request: { headers: request.headers } });
  response.cookies.set(
    SESSION_COOKIE,
    token,
    sessionCookieOptions(visitor, publicOrigin(request, env).startsWith("https:")),
  );
  return response;
}

export const config = {
  // Everything but Next's own paths (build files, images, the dev server's HMR) and the icon.
  matcher: ["/((?!_next/|icon.svg|favicon.ico).*)"],
};
