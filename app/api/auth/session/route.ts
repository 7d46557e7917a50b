import { signInConfigured } from "@/lib/auth/oidc";
import { visitorOf } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";

export const dynamic = "force-dynamic";

/** Who the browser is: a guest or a signed-in user (name and email), and whether sign-in exists. */
export const GET = handleErrors(async (request: Request) => {
  const env = serverEnv();
  const visitor = await visitorOf(request);
  return Response.json(
    {
      visitor: visitor ? { kind: visitor.kind, name: visitor.name, email: visitor.email } : null,
      signIn: signInConfigured(env),
      signInRequired: env.AUTH_REQUIRED,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
});

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
