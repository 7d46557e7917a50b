import { beginSignIn, FLOW_COOKIE, FLOW_SECONDS, safeReturnTo } from "@/lib/auth/oidc";
import { sessionKey } from "@/lib/auth/secret";
import { serverEnv } from "@/lib/env";
import { handleErrors } from "@/lib/http/handle";
import { publicOrigin } from "@/lib/http/host";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";

export const dynamic = "force-dynamic";

/** Sends the browser to the OpenID Connect provider; `?returnTo=/path` is where it comes back to. */
export const GET = handleErrors(async (request: Request) => {
  const env = serverEnv();
  const origin = publicOrigin(request, env);
  const { url, flowCookie } = await beginSignIn(env, sessionKey(env), {
    callbackUrl: `${origin}/api/auth/callback`,
    returnTo: safeReturnTo(new URL(request.url).searchParams.get("returnTo")),
  });
  const secure = origin.startsWith("https:") ? "; Secure" : "";
  return new Response(null, {
    status: 302,
    headers: {
      Location: url.href,
      "Cache-Control": "no-store",
      "Set-Cookie": `${FLOW_COOKIE}=${flowCookie}; Path=/api/auth; Max-Age=${FLOW_SECONDS}; HttpOnly; SameSite=Lax${secure}`,
    },
  });
});

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
