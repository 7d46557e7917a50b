import { randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";

/**
 * A visitor's session: a JWT (HS256, signed with the session key) in an HttpOnly cookie. Every
 * browser gets a guest identity on its first request, with no sign-up; signing in with the team's
 * OpenID Connect provider turns it into a user identity. The cookie holds who the visitor is,
 * nothing else: no run, no quota, nothing a client could gain by keeping an old copy.
 */
export const SESSION_COOKIE = "stepstream_session";

const ISSUER = "stepstream";
/** How long a session lasts without a visit; each visit after half of it renews it. */
export const SESSION_SECONDS = { guest: 180 * 86_400, user: 30 * 86_400 } as const;

export const visitorIdSchema = z.string().regex(/^[gu]_[A-Za-z0-9_-]{16,64}$/);

export interface Visitor {
  /** `g_…` for a guest, `u_…` for a signed-in user: the owner of their runs. */
  id: string;
  kind: "guest" | "user";
  name?: string;
  email?: string;
  /** Epoch seconds when the session expires. */
  expiresAt: number;
}

const claimsSchema = z.object({
  sub: visitorIdSchema,
  kind: z.enum(["guest", "user"]),
  name: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  exp: z.number(),
});

/** A new guest: 128 random bits, nothing else. */
export function newGuest(nowSeconds = Math.floor(Date.now() / 1000)): Visitor {
  return {
    id: `g_${randomBytes(16).toString("base64url")}`,
    kind: "guest",
    expiresAt: nowSeconds + SESSION_SECONDS.guest,
  };
}

/** The same visitor with a fresh expiry. */
export function renewed(visitor: Visitor, nowSeconds = Math.floor(Date.now() / 1000)): Visitor {
  return { ...visitor, expiresAt: nowSeconds + SESSION_SECONDS[visitor.kind] };
}

/** Past half its life: the next response carries a renewed cookie. */
export function wantsRenewal(visitor: Visitor, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  return visitor.expiresAt - nowSeconds < SESSION_SECONDS[visitor.kind] / 2;
}

export async function sealSession(visitor: Visitor, key: Uint8Array): Promise<string> {
  return new SignJWT({
    kind: visitor.kind,
    ...(visitor.name ? { name: visitor.name } : {}),
    ...(visitor.email ? { email: visitor.email } : {}),
  })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(ISSUER)
    .setAudience(ISSUER)
    .setSubject(visitor.id)
    .setIssuedAt()
    .setExpirationTime(visitor.expiresAt)
    .sign(key);
}

/** The visitor a cookie value names, or undefined when it is missing, forged, altered or expired. */
export async function openSession(token: string | undefined, key: Uint8Array): Promise<Visitor | undefined> {
  if (!token) return undefined;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: ISSUER,
    });
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return undefined;
    const { sub, kind, name, email, exp } = claims.data;
    // A guest id cannot claim to be a user, nor the reverse.
    if ((kind === "guest") !== sub.startsWith("g_")) return undefined;
    return { id: sub, kind, name, email, expiresAt: exp };
  } catch {
    return undefined;
  }
}

/** The session cookie's value in a Cookie header, if there is one. */
export function sessionCookieOf(cookieHeader: string | null): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(";")) {
    const [name, ...value] = pair.trim().split("=");
    if (name === SESSION_COOKIE) return value.join("=");
  }
  return undefined;
}

/** The Set-Cookie attributes of a session: HttpOnly, SameSite=Lax, Secure over https. */
export function sessionCookieOptions(
  visitor: Visitor,
  secure: boolean,
  nowSeconds = Math.floor(Date.now() / 1000),
) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure,
    path: "/",
    maxAge: Math.max(0, visitor.expiresAt - nowSeconds),
  };
}
