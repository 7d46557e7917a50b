import { FLOW_COOKIE, finishSignIn, openFlow } from "@/lib/auth/oidc";
import { sessionKey } from "@/lib/auth/secret";
import { openSession, SESSION_COOKIE } from "@/lib/auth/session";
import { adoptGuest, sessionSetCookie } from "@/lib/auth/sign-in";
import { serverEnv } from "@/lib/env";
import { handleErrors } from "@/lib/http/handle";
import { publicOrigin } from "@/lib/http/host";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { getRunStore } from "@/lib/runs/store";

export const dynamic = "force-dynamic";

const cookieOf = (request: Request, name: string) =>
  request.headers
    .get("cookie")
    ?.split(";")
    .map((pair) => pair.trim())
    .find((pair) => pair.startsWith(`${name}=`))
    ?.slice(name.length + 1);

/**
 * Where the provider sends the browser back. A good answer makes the browser's session the user's
 * (keeping the guest's runs) and goes back where sign-in started; anything else goes to /signin,
 * which says what went wrong.
 */
export const GET = handleErrors(async (request: Request) => {
  const env = serverEnv();
  const key = sessionKey(env);
  const origin = publicOrigin(request, env);
  const url = new URL(request.url);
  // The provider redirected to the public address: check the answer against that one.
  const callbackUrl = new URL(`${origin}${url.pathname}${url.search}`);
  const flow = await openFlow(cookieOf(request, FLOW_COOKIE), key);
  const secure = origin.startsWith("https:");
  const clearFlow = `${FLOW_COOKIE}=; Path=/api/auth; Max-Age=0; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  const failed = (reason: string) => {
    const headers = new Headers({
      Location: `${origin}/signin?error=${reason}`,
      "Cache-Control": "no-store",
    });
    headers.append("Set-Cookie", clearFlow);
    return new Response(null, { status: 302, headers });
  };
  if (url.searchParams.get("error"))
    return failed(url.searchParams.get("error") === "access_denied" ? "denied" : "provider");
  if (!flow) return failed("expired");
  let user: Awaited<ReturnType<typeof finishSignIn>>;
  try {
    user = await finishSignIn(env, flow, callbackUrl);
  } catch (error) {
    console.error("sign-in failed at the callback", error);
    return failed("invalid");
  }
  const guest = await openSession(cookieOf(request, SESSION_COOKIE), key);
  await adoptGuest(await getRunStore(env), guest, user);
  const headers = new Headers({ Location: `${origin}${flow.returnTo}`, "Cache-Control": "no-store" });
  headers.append("Set-Cookie", clearFlow);
  headers.append("Set-Cookie", await sessionSetCookie(user, key, secure));
  return new Response(null, { status: 302, headers });
});

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
