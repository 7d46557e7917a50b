import { requireVisitor } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { findActiveRun, StopReason } from "@/lib/runs/active-runs";
import { requireOwnedRun } from "@/lib/runs/owned-run";
import { waitForRunEnd } from "@/lib/runs/run-control";
import { settleRun } from "@/lib/runs/run-liveness";
import { closeWaitingRun } from "@/lib/runs/run-waiting";
import { getRunStore } from "@/lib/runs/store";

export const dynamic = "force-dynamic";

/**
 * Stops one of the visitor's running or waiting runs, in whatever process it runs: the request is recorded
 * in the store, which that process polls; it aborts the graph and the model call, and the run's
 * stream ends with `abort`. Answers 200 once the run has ended (202 if it is still ending after
 * 5 s), 404 for an unknown run or someone else's, 409 for one that already ended. The requester's
 * address goes to the log, not into the run.
 */
export const POST = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]/stop">) => {
  const env = serverEnv();
  assertSameOrigin(request, env);
  const visitor = await requireVisitor(request);
  const { id } = await context.params;
  const store = await getRunStore(env);
  const run = await settleRun(store, await requireOwnedRun(store, id, visitor.id), env);
  console.info(JSON.stringify({ event: "run_stop_requested", runId: id, from: clientAddress(request, env) }));
  if (run.status === "waiting") {
    // No process runs a waiting run: it is ended here, in the store.
    const stopped = await closeWaitingRun(store, run, "stopped");
    return Response.json(
      { runId: id, status: stopped.status },
      { status: stopped.status === "waiting" ? 202 : 200 },
    );
  }
  if (run.status !== "running") throw new AppError("conflict", "This run has already finished.");
  const stop = { by: "user", at: Date.now() };
  const outcome = await store.requestStop(id, stop);
  if (outcome === "missing") throw new AppError("not_found", "There is no such run.");
  if (outcome === "finished") throw new AppError("conflict", "This run has already finished.");
  // Here already? Stop it now rather than on its next poll.
  findActiveRun(id)?.stop(StopReason.byUser(stop.at));
  const ended = await waitForRunEnd(store, id, 5_000);
  return Response.json({ runId: id, status: ended?.status ?? "stopping" }, { status: ended ? 200 : 202 });
});

const notAllowed = methodNotAllowed("POST");
export const GET = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
