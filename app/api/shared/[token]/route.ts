import { serverEnv } from "@/lib/env";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { requireSharedRun } from "@/lib/runs/owned-run";
import { settleRun } from "@/lib/runs/run-liveness";
import { getRunStore } from "@/lib/runs/store";
import { summarizeRun } from "@/lib/runs/store/types";

export const dynamic = "force-dynamic";

/** A shared run, read-only, with its steps: what anyone holding the link may see (not its owner). */
export const GET = handleErrors(async (_request: Request, context: RouteContext<"/api/shared/[token]">) => {
  const env = serverEnv();
  const { token } = await context.params;
  const store = await getRunStore(env);
  const run = await settleRun(store, await requireSharedRun(store, token), env);
  const { owner: _owner, ...shown } = summarizeRun(run);
  return Response.json(
    { run: { ...shown, input: run.input }, steps: await store.getSteps(run.id) },
    { headers: { "Cache-Control": "no-store" } },
  );
});

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
