import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { viewerAddress } from "@/lib/http/viewer";
import { findActiveRun, StopReason } from "@/lib/runs/active-runs";
import { waitForRunEnd } from "@/lib/runs/run-control";
import { interruptIfStale } from "@/lib/runs/run-liveness";
import { getRunStore } from "@/lib/runs/store";

export const dynamic = "force-dynamic";

/**
 * Stops a running run, in whatever process it runs: the request is recorded in the store, which
 * that process polls every second; it aborts the graph and the model call, and the run's stream
 * ends with `abort`. Answers 200 once the run has ended (202 if it is still ending after 5 s),
 * 404 for an unknown run, 409 for one that already ended.
 */
export const POST = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]/stop">) => {
  const env = serverEnv();
  assertSameOrigin(request, env.ALLOWED_ORIGINS);
  const { id } = await context.params;
  const store = await getRunStore(env);
  const lookup = await store.getRun(id);
  if (lookup.kind === "missing") throw new AppError("not_found", "There is no such run.");
  if (lookup.kind === "corrupt")
    throw new AppError("conflict", "This run's record is damaged; it cannot be stopped.");
  const run = await interruptIfStale(store, lookup.run, env.RUN_LIVENESS_TIMEOUT_MS);
  if (run.status !== "running") throw new AppError("conflict", "This run has already finished.");

  const request_ = { by: "user", from: viewerAddress(request), at: Date.now() };
  const outcome = await store.requestStop(id, request_);
  if (outcome === "missing") throw new AppError("not_found", "There is no such run.");
  if (outcome === "finished") throw new AppError("conflict", "This run has already finished.");
  // Here already? Stop it now rather than on its next poll.
  findActiveRun(id)?.stop(StopReason.byUser(request_.from, request_.at));
  const ended = await waitForRunEnd(store, id, 5_000);
  return Response.json({ runId: id, status: ended?.status ?? "stopping" }, { status: ended ? 200 : 202 });
});

const notAllowed = methodNotAllowed("POST");
export const GET = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
