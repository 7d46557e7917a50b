import "server-only";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { sessionKey } from "./secret";
import { openSession, SESSION_COOKIE, sessionCookieOf, type Visitor } from "./session";

/**
 * The visitor a request comes from, checked here, in the route itself: the proxy (proxy.ts) gives
 * every browser a session, but only a signature checked where the data is touched counts.
 */
export async function visitorOf(request: Request): Promise<Visitor | undefined> {
  const env = serverEnv();
  return openSession(sessionCookieOf(request.headers.get("cookie")), sessionKey(env));
}

/**
 * The visitor a route acts for. No valid session: 401 (the proxy gives every request one, so only
 * a request that went around it lands here). With AUTH_REQUIRED, a guest is refused as well.
 */
export async function requireVisitor(request: Request): Promise<Visitor> {
  const visitor = await visitorOf(request);
  if (!visitor) throw new AppError("unauthorized", "This request has no valid session; reload the page.");
  if (serverEnv().AUTH_REQUIRED && visitor.kind !== "user") {
    throw new AppError("unauthorized", "Sign in to use this app.");
  }
  return visitor;
}

/** The visitor a server component renders for, from the request's cookies. */
export async function pageVisitor(): Promise<Visitor | undefined> {
  const { cookies } = await import("next/headers");
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return openSession(token, sessionKey(serverEnv()));
}
