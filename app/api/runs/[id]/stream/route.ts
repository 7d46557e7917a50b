import { requireVisitor } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { findActiveRun } from "@/lib/runs/active-runs";
import { findOwnedRun } from "@/lib/runs/owned-run";
import { followRun, resumePoint } from "@/lib/runs/run-follow";
import { getRunStore } from "@/lib/runs/store";

export const dynamic = "force-dynamic";

/**
 * Replays one of the visitor's runs after a sequence number, then follows it to its terminal
 * event. A finished run replays whole; resuming after its end gives just the end of the stream.
 */
export const GET = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]/stream">) => {
  const env = serverEnv();
  const visitor = await requireVisitor(request);
  const { id } = await context.params;
  resumePoint(request);
  const store = await getRunStore(env);
  // A run of the visitor's in this process needs no store read to know whose it is.
  if (findActiveRun(id)?.owner !== visitor.id) await findOwnedRun(store, id, visitor.id);
  return followRun(request, id, store, env);
});

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
