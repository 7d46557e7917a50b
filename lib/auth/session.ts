import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
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
  const claims = {
    kind: visitor.kind,
    ...(visitor.name ? { name: visitor.name } : {}),
    ...(visitor.email ? { email: visitor.email } : {}),
    iss: ISSUER,
    aud: ISSUER,
    sub: visitor.id,
    iat: Math.floor(Date.now() / 1000),
    exp: visitor.expiresAt,
  };
  const signed = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${signed}.${signatureOf(signed, key).toString("base64url")}`;
}

/** The visitor a cookie value names, or undefined when it is missing, forged, altered or expired. */
export async function openSession(token: string | undefined, key: Uint8Array): Promise<Visitor | undefined> {
  const payload = token ? verifiedPayload(token, key) : undefined;
  if (!payload) return undefined;
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return undefined;
  const { sub, kind, name, email, exp } = claims.data;
  // A guest id cannot claim to be a user, nor the reverse.
  if ((kind === "guest") !== sub.startsWith("g_")) return undefined;
  return { id: sub, kind, name, email, expiresAt: exp };
}

/*
 * The token is a compact JWS (RFC 7515) with HS256, as any JWT library writes and reads it (the
 * tests check both ways against jose). It is signed and checked here with node:crypto's HMAC,
 * synchronously: WebCrypto's sign and verify, which a JWT library calls, each run as a job on
 * libuv's thread pool, and every page and API request opens a session, a new visitor's seals one
 * too, each then waiting for the event loop's next turn behind every live stream's work.
 */
const HEADER = Buffer.from(JSON.stringify({ alg: "HS256" })).toString("base64url");
const SEGMENT = /^[A-Za-z0-9_-]+$/;

function signatureOf(signed: string, key: Uint8Array): Buffer {
  return createHmac("sha256", key).update(signed).digest();
}

/** The claims of a token whose HS256 signature is the key's and whose time and audience hold. */
function verifiedPayload(token: string, key: Uint8Array): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) return undefined;
  const [header = "", body = "", signature = ""] = parts;
  const expected = signatureOf(`${header}.${body}`, key);
  const given = Buffer.from(signature, "base64url");
  // The second test refuses a signature with extra bits that decode to the same bytes.
  if (given.length !== expected.length || given.toString("base64url") !== signature) return undefined;
  if (!timingSafeEqual(given, expected)) return undefined;
  const protectedHeader = decodeSegment(header);
  if (protectedHeader?.alg !== "HS256" || "crit" in protectedHeader || "b64" in protectedHeader) {
    return undefined;
  }
  const claims = decodeSegment(body);
  if (!claims) return undefined;
  const now = Math.floor(Date.now() / 1000);
  const { iss, aud, exp, nbf, iat } = claims;
  if (iss !== ISSUER) return undefined;
  if (aud !== ISSUER && !(Array.isArray(aud) && aud.includes(ISSUER))) return undefined;
  if (typeof exp !== "number" || exp <= now) return undefined;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > now)) return undefined;
  if (iat !== undefined && typeof iat !== "number") return undefined;
  return claims;
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
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
