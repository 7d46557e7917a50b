import { requireVisitor } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { quotaView } from "@/lib/runs/quota";
import { getRunStore } from "@/lib/runs/store";

export const dynamic = "force-dynamic";

/** What the visitor has left today: runs, tokens, runs going at once, and when the day resets. */
export const GET = handleErrors(async (request: Request) => {
  const env = serverEnv();
  const visitor = await requireVisitor(request);
  const view = await quotaView(await getRunStore(env), visitor.id, env);
  return Response.json(view, { headers: { "Cache-Control": "no-store" } });
});

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
