import "server-only";
import { utcDay } from "@/lib/runs/quota";
import type { RunStore } from "@/lib/runs/store/types";
import { SESSION_COOKIE, sealSession, sessionCookieOptions, type Visitor } from "./session";

/**
 * A guest who signs in keeps what they did as a guest: their runs become the user's, and so do
 * today's counts (signing in is no way around the daily limits).
 */
export async function adoptGuest(store: RunStore, guest: Visitor | undefined, user: Visitor): Promise<void> {
  if (guest?.kind !== "guest") return;
  await store.reassignRuns(guest.id, user.id);
  await store.mergeUsage(guest.id, user.id, utcDay(Date.now()));
}

/** The Set-Cookie header that makes `visitor` the browser's session. */
export async function sessionSetCookie(visitor: Visitor, key: Uint8Array, secure: boolean): Promise<string> {
  const options = sessionCookieOptions(visitor, secure);
  const token = await sealSession(visitor, key);
  return [
    `${SESSION_COOKIE}=${token}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAge}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}
