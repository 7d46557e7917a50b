import { createHmac } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { newGuest, openSession, sealSession, type Visitor } from "./session";

const key = new TextEncoder().encode("a session key of at least thirty-two characters");
const otherKey = new TextEncoder().encode("another key, also at least thirty-two characters");
const now = () => Math.floor(Date.now() / 1000);
const user: Visitor = {
  id: "u_0123456789abcdef0123",
  kind: "user",
  name: "Ada",
  email: "ada@example.com",
  expiresAt: now() + 3_600,
};

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** A token with any header and claims, signed with `signingKey` as HS256 would be. */
function tokenOf(header: unknown, claims: unknown, signingKey: Uint8Array = key): string {
  const signed = `${encode(header)}.${encode(claims)}`;
  return `${signed}.${createHmac("sha256", signingKey).update(signed).digest("base64url")}`;
}
const validClaims = (extra: Record<string, unknown> = {}) => ({
  kind: "guest",
  iss: "stepstream",
  aud: "stepstream",
  sub: "g_0123456789abcdef0123",
  iat: now(),
  exp: now() + 60,
  ...extra,
});

describe("sessions", () => {
  it("opens what it seals, for a guest and for a user", async () => {
    const guest = newGuest();
    expect(await openSession(await sealSession(guest, key), key)).toEqual({
      id: guest.id,
      kind: "guest",
      expiresAt: guest.expiresAt,
    });
    expect(await openSession(await sealSession(user, key), key)).toEqual(user);
  });

  it("writes and reads standard HS256 JWTs: jose opens its tokens, and it opens jose's (cookies already issued)", async () => {
    const { payload, protectedHeader } = await jwtVerify(await sealSession(user, key), key, {
      algorithms: ["HS256"],
      issuer: "stepstream",
      audience: "stepstream",
    });
    expect(protectedHeader).toEqual({ alg: "HS256" });
    expect(payload).toMatchObject({ sub: user.id, kind: "user", name: "Ada", exp: user.expiresAt });

    const byJose = await new SignJWT({ kind: "user", name: "Ada", email: "ada@example.com" })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("stepstream")
      .setAudience("stepstream")
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(user.expiresAt)
      .sign(key);
    expect(await openSession(byJose, key)).toEqual(user);
  });

  it("refuses a token signed with another key, or altered anywhere", async () => {
    const token = await sealSession(user, key);
    expect(await openSession(token, otherKey)).toBeUndefined();
    const [header, claims, signature] = token.split(".") as [string, string, string];
    const otherClaims = encode({ ...JSON.parse(Buffer.from(claims, "base64url").toString()), kind: "guest" });
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === "A" ? "B" : "A"}${signature.at(-1)}`;
    for (const altered of [
      `${header}.${otherClaims}.${signature}`,
      `${header}.${claims}.${flipped}`,
      `${header}.${claims}.${signature}A`,
      `${header}.${claims}.${signature.slice(0, -1)}`,
      `${header}.${claims}.${signature}.`,
      `${header}.${claims}`,
      `${header}.${claims}.${signature}=`,
      "",
      "not a token",
    ]) {
      expect(await openSession(altered, key), altered).toBeUndefined();
    }
  });

  it("refuses every algorithm but HS256, and headers it does not understand", async () => {
    const claims = validClaims();
    expect(await openSession(tokenOf({ alg: "HS256" }, claims), key)).toBeDefined();
    for (const header of [
      { alg: "none" },
      { alg: "HS512" },
      { alg: "hs256" },
      {},
      { alg: "HS256", crit: ["exp"] },
      { alg: "HS256", b64: false },
    ]) {
      expect(await openSession(tokenOf(header, claims), key), JSON.stringify(header)).toBeUndefined();
    }
    const unsigned = `${encode({ alg: "none" })}.${encode(claims)}.`;
    expect(await openSession(unsigned, key)).toBeUndefined();
  });

  it("refuses an expired, not-yet-valid, foreign or malformed token", async () => {
    for (const claims of [
      validClaims({ exp: now() - 1 }),
      validClaims({ exp: now() }),
      validClaims({ exp: String(now() + 60) }),
      validClaims({ exp: undefined }),
      validClaims({ nbf: now() + 60 }),
      validClaims({ iat: "yesterday" }),
      validClaims({ iss: "someone-else" }),
      validClaims({ aud: "someone-else" }),
      validClaims({ aud: undefined }),
      validClaims({ sub: "u_0123456789abcdef0123" }),
      validClaims({ kind: "user" }),
      validClaims({ sub: "g_short" }),
      ["not", "an", "object"],
    ]) {
      expect(
        await openSession(tokenOf({ alg: "HS256" }, claims), key),
        JSON.stringify(claims),
      ).toBeUndefined();
    }
    expect(
      await openSession(tokenOf({ alg: "HS256" }, validClaims({ aud: ["x", "stepstream"] })), key),
    ).toBeDefined();
  });
});
