import { sessionKey } from "@/lib/auth/secret";
import { newGuest } from "@/lib/auth/session";
import { sessionSetCookie } from "@/lib/auth/sign-in";
import { serverEnv } from "@/lib/env";
import { handleErrors } from "@/lib/http/handle";
import { publicOrigin } from "@/lib/http/host";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { assertSameOrigin } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

/** Signs out: the browser becomes a new guest (the user's runs stay the user's), then goes home. */
export const POST = handleErrors(async (request: Request) => {
  const env = serverEnv();
  assertSameOrigin(request, env);
  const origin = publicOrigin(request, env);
  const cookie = await sessionSetCookie(newGuest(), sessionKey(env), origin.startsWith("https:"));
  return new Response(null, {
    status: 303,
    headers: { Location: `${origin}/`, "Set-Cookie": cookie, "Cache-Control": "no-store" },
  });
});

const notAllowed = methodNotAllowed("POST");
export const GET = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
