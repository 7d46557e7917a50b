import { requireVisitor } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";
import { publicOrigin } from "@/lib/http/host";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { newShareToken, shareUrl } from "@/lib/runs/share";
import { getRunStore } from "@/lib/runs/store";

export const dynamic = "force-dynamic";

const NOT_FOUND = "There is no such run.";

/**
 * Shares one of the visitor's runs: `{ "url" }`, a read-only link anyone can open to replay the run
 * or follow it live. Sharing a shared run gives the same link.
 */
export const POST = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]/share">) => {
  const env = serverEnv();
  assertSameOrigin(request, env);
  const visitor = await requireVisitor(request);
  const { id } = await context.params;
  const token = await (await getRunStore(env)).shareRun(id, visitor.id, newShareToken());
  if (!token) throw new AppError("not_found", NOT_FOUND);
  return Response.json({ url: shareUrl(publicOrigin(request, env), token) });
});

/** Revokes the run's share link: from then on it answers 404. */
export const DELETE = handleErrors(
  async (request: Request, context: RouteContext<"/api/runs/[id]/share">) => {
    const env = serverEnv();
    assertSameOrigin(request, env);
    const visitor = await requireVisitor(request);
    const { id } = await context.params;
    if (!(await (await getRunStore(env)).unshareRun(id, visitor.id)))
      throw new AppError("not_found", NOT_FOUND);
    return Response.json({ runId: id, shared: false });
  },
);

const notAllowed = methodNotAllowed("POST", "DELETE");
export const GET = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
