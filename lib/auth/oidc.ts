import "server-only";
import { createHash } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import * as client from "openid-client";
import { z } from "zod";
import type { ServerEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { SESSION_SECONDS, type Visitor } from "./session";

/**
 * Sign-in with the team's own OpenID Connect provider (Cognito, or any issuer), through
 * openid-client: discovery, the authorization code flow with PKCE, state and nonce, and the ID
 * token's signature and claims checked against the issuer's keys. Nothing here hand-rolls crypto.
 */

type OidcEnv = Pick<ServerEnv, "AUTH_OIDC_ISSUER" | "AUTH_OIDC_CLIENT_ID" | "AUTH_OIDC_CLIENT_SECRET">;

/** The short-lived cookie that carries the flow's secrets from the redirect to the callback. */
export const FLOW_COOKIE = "stepstream_signin";
export const FLOW_SECONDS = 600;
const FLOW_AUDIENCE = "stepstream-signin";

const flowSchema = z.object({
  verifier: z.string(),
  state: z.string(),
  nonce: z.string(),
  returnTo: z.string(),
});
export type SignInFlow = z.infer<typeof flowSchema>;

const holder = globalThis as typeof globalThis & {
  __stepstreamOidc?: { issuer: string; config: Promise<client.Configuration> };
};

export function signInConfigured(env: OidcEnv): boolean {
  return Boolean(env.AUTH_OIDC_ISSUER && env.AUTH_OIDC_CLIENT_ID && env.AUTH_OIDC_CLIENT_SECRET);
}

/** The provider's configuration, discovered once per process. */
function providerConfig(env: OidcEnv): Promise<client.Configuration> {
  if (!signInConfigured(env)) throw new AppError("not_found", "Sign-in is not configured on this server.");
  const issuer = new URL(env.AUTH_OIDC_ISSUER ?? "");
  if (holder.__stepstreamOidc?.issuer !== issuer.href) {
    // Plain http is allowed only for a provider on this machine (a local test provider).
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(issuer.hostname);
    const config = client
      .discovery(
        issuer,
        env.AUTH_OIDC_CLIENT_ID ?? "",
        env.AUTH_OIDC_CLIENT_SECRET,
        undefined,
        issuer.protocol === "http:" && loopback ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        holder.__stepstreamOidc = undefined;
        throw new AppError("internal", "The sign-in provider could not be reached; try again.", {
          cause: error,
        });
      });
    holder.__stepstreamOidc = { issuer: issuer.href, config };
  }
  return holder.__stepstreamOidc.config;
}

/** Only a path on this site: never another origin, never a protocol-relative `//host`. */
export function safeReturnTo(value: string | null): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.includes("\\")) return "/";
  return value;
}

/** Starts a sign-in: where to send the browser, and the flow cookie's sealed value. */
export async function beginSignIn(
  env: OidcEnv,
  key: Uint8Array,
  options: { callbackUrl: string; returnTo: string },
): Promise<{ url: URL; flowCookie: string }> {
  const config = await providerConfig(env);
  const flow: SignInFlow = {
    verifier: client.randomPKCECodeVerifier(),
    state: client.randomState(),
    nonce: client.randomNonce(),
    returnTo: options.returnTo,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: options.callbackUrl,
    scope: "openid email profile",
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  const flowCookie = await new SignJWT(flow)
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(FLOW_AUDIENCE)
    .setExpirationTime(`${FLOW_SECONDS}s`)
    .sign(key);
  return { url, flowCookie };
}

/** Reads the flow cookie back; undefined when missing, altered or expired. */
export async function openFlow(cookie: string | undefined, key: Uint8Array): Promise<SignInFlow | undefined> {
  if (!cookie) return undefined;
  try {
    const { payload } = await jwtVerify(cookie, key, { algorithms: ["HS256"], audience: FLOW_AUDIENCE });
    const parsed = flowSchema.safeParse(payload);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finishes a sign-in at the callback: the code is exchanged, the ID token checked (signature,
 * issuer, audience, expiry, nonce), and the user becomes a visitor whose id is derived from the
 * issuer and subject, so the same person gets the same id on every device.
 */
export async function finishSignIn(env: OidcEnv, flow: SignInFlow, callbackUrl: URL): Promise<Visitor> {
  const config = await providerConfig(env);
  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  if (!claims) throw new AppError("unauthorized", "The sign-in provider returned no identity.");
  const digest = createHash("sha256").update(`${claims.iss}\n${claims.sub}`).digest("base64url");
  const text = (value: unknown) => (typeof value === "string" && value ? value.slice(0, 200) : undefined);
  // Many providers put only `sub` in the ID token; the name and email then come from userinfo.
  const profile =
    text(claims.name) || text(claims.email)
      ? claims
      : await client.fetchUserInfo(config, tokens.access_token, claims.sub).catch(() => claims);
  return {
    id: `u_${digest.slice(0, 32)}`,
    kind: "user",
    name: text(profile.name) ?? text(profile.preferred_username) ?? text(profile.email),
    email: text(profile.email),
    expiresAt: Math.floor(Date.now() / 1000) + SESSION_SECONDS.user,
  };
}
