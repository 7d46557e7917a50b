import { requireVisitor } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";
import { publicOrigin } from "@/lib/http/host";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { checkpointerFor } from "@/lib/runs/checkpointer";
import { findOwnedRun, requireOwnedRun } from "@/lib/runs/owned-run";
import { settleRun } from "@/lib/runs/run-liveness";
import { shareUrl } from "@/lib/runs/share";
import { getRunStore } from "@/lib/runs/store";
import { findWorkflow } from "@/lib/workflows/registry";

export const dynamic = "force-dynamic";

/** One of the visitor's runs with its steps; a run whose process died reads as interrupted. */
export const GET = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]">) => {
  const env = serverEnv();
  const visitor = await requireVisitor(request);
  const { id } = await context.params;
  const store = await getRunStore(env);
  const owned = await requireOwnedRun(store, id, visitor.id);
  const { shareToken, stopRequest: _stop, ...run } = await settleRun(store, owned, env);
  return Response.json(
    {
      run: { ...run, shareUrl: shareToken ? shareUrl(publicOrigin(request, env), shareToken) : undefined },
      steps: await store.getSteps(id),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
});

/** Deletes one of the visitor's ended runs with everything it stored; a running one answers 409. */
export const DELETE = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]">) => {
  const env = serverEnv();
  assertSameOrigin(request, env);
  const visitor = await requireVisitor(request);
  const { id } = await context.params;
  const store = await getRunStore(env);
  const lookup = await findOwnedRun(store, id, visitor.id);
  if (lookup.kind === "found") await settleRun(store, lookup.run, env);
  const outcome = await store.deleteRun(id);
  if (outcome === "missing") throw new AppError("not_found", "There is no such run.");
  if (outcome === "running")
    throw new AppError("conflict", "This run is still going; stop it before deleting it.");
  // The graph state a run that asked people kept goes with it (its TTL would take it later).
  if (lookup.kind === "found" && findWorkflow(lookup.run.workflow)?.asksPeople) {
    await (await checkpointerFor(env)).deleteThread(id).catch((error: unknown) => {
      console.error("deleting a run's graph state failed; its TTL removes it later", error);
    });
  }
  return Response.json({ runId: id, deleted: true });
});

const notAllowed = methodNotAllowed("GET", "DELETE");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
