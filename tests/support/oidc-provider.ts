import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";
import { freePort } from "./app-server";

export interface LocalOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop: () => Promise<void>;
}

/**
 * A real OpenID Connect provider (panva's oidc-provider, OpenID Certified) on loopback, with its
 * development login and consent pages: any login name signs in as that user, named after it.
 * It knows one confidential client, whose only redirect URI is the app's callback.
 */
export async function startOidcProvider(redirectUri: string): Promise<LocalOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "stepstream-test";
  const clientSecret = "a-client-secret-for-the-loopback-provider";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ["code"],
        grant_types: ["authorization_code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email"], profile: ["name"] },
    findAccount: (_context, sub) => ({
      accountId: sub,
      claims: () => ({
        sub,
        email: `${sub}@example.com`,
        name: `${sub[0]?.toUpperCase()}${sub.slice(1)} Test`,
      }),
    }),
    cookies: { keys: ["a-cookie-key-for-the-loopback-provider"] },
    features: { devInteractions: { enabled: true } },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
