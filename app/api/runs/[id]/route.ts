import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { interruptIfStale } from "@/lib/runs/run-liveness";
import { getRunStore } from "@/lib/runs/store";

export const dynamic = "force-dynamic";

/** A stored run with its steps; a run whose process died reads as interrupted. */
export const GET = handleErrors(async (_request: Request, context: RouteContext<"/api/runs/[id]">) => {
  const env = serverEnv();
  const { id } = await context.params;
  const store = await getRunStore(env);
  const lookup = await store.getRun(id);
  if (lookup.kind === "missing") throw new AppError("not_found", "There is no such run.");
  if (lookup.kind === "corrupt") {
    throw new AppError("internal", `This run's record is damaged (${lookup.reason}).`);
  }
  const run = await interruptIfStale(store, lookup.run, env.RUN_LIVENESS_TIMEOUT_MS);
  return Response.json(
    { run, steps: await store.getSteps(id) },
    { headers: { "Cache-Control": "no-store" } },
  );
});

/** Deletes an ended run with its steps and events; a running run must be stopped first (409). */
export const DELETE = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]">) => {
  const env = serverEnv();
  assertSameOrigin(request, env.ALLOWED_ORIGINS);
  const { id } = await context.params;
  const store = await getRunStore(env);
  const lookup = await store.getRun(id);
  if (lookup.kind === "found") await interruptIfStale(store, lookup.run, env.RUN_LIVENESS_TIMEOUT_MS);
  const outcome = await store.deleteRun(id);
  if (outcome === "missing") throw new AppError("not_found", "There is no such run.");
  if (outcome === "running")
    throw new AppError("conflict", "This run is still going; stop it before deleting it.");
  return Response.json({ runId: id, deleted: true });
});

const notAllowed = methodNotAllowed("GET", "DELETE");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
