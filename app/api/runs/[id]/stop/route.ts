import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { findActiveRun, StopReason } from "@/lib/runs/active-runs";

export const dynamic = "force-dynamic";

/** Stops a running run: its graph and model call are aborted and its stream ends with `abort`. */
export const POST = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]/stop">) => {
  assertSameOrigin(request, serverEnv().ALLOWED_ORIGINS);
  const { id } = await context.params;
  const run = findActiveRun(id);
  if (!run) throw new AppError("not_found", "There is no such run on this server.");
  if (run.log.isClosed) throw new AppError("conflict", "This run has already finished.");
  run.stop(StopReason.byUser());
  await run.done;
  return Response.json({ runId: id, status: "stopped" });
});
