import { serverEnv } from "@/lib/env";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { requireSharedRun } from "@/lib/runs/owned-run";
import { followRun, resumePoint } from "@/lib/runs/run-follow";
import { getRunStore } from "@/lib/runs/store";

export const dynamic = "force-dynamic";

/** A shared run's stream, read-only: replayed, then followed live to its end, as its owner sees it. */
export const GET = handleErrors(
  async (request: Request, context: RouteContext<"/api/shared/[token]/stream">) => {
    const env = serverEnv();
    const { token } = await context.params;
    resumePoint(request);
    const store = await getRunStore(env);
    const run = await requireSharedRun(store, token);
    return followRun(request, run.id, store, env);
  },
);

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
