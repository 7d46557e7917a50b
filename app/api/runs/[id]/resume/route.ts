import { requireVisitor } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { readJsonBody } from "@/lib/http/read-json-body";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { parseRequest } from "@/lib/http/validate";
import { resumeRun } from "@/lib/runs/active-runs";
import { MAX_BODY_BYTES } from "@/lib/runs/limits";
import { requireOwnedRun } from "@/lib/runs/owned-run";
import { admitRun } from "@/lib/runs/quota";
import { resumePoint } from "@/lib/runs/run-follow";
import { settleRun, storeSource } from "@/lib/runs/run-liveness";
import { logSource, pickStreamFormat, runStreamResponse } from "@/lib/runs/run-response";
import { getRunStore } from "@/lib/runs/store";
import { findWorkflow } from "@/lib/workflows/registry";
import { resumeRunRequestSchema } from "./schema";

export const dynamic = "force-dynamic";

/**
 * Answers a waiting run's question and lets it go on, here, whichever process paused it: the same
 * run, its sequence numbers carrying on. The response is the run's stream, replayed from the
 * start (or after `Last-Event-ID` / `?after=`), then followed live to its end or next pause.
 * With `Accept: application/json` it answers 202 `{ runId, status }` instead, for a client that
 * follows the run its own way. 409 when the run is not waiting, 410 when it waited too long; the limits apply as to a new run,
 * but it does not count as another run of the day.
 */
export const POST = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]/resume">) => {
  const env = serverEnv();
  assertSameOrigin(request, env);
  const visitor = await requireVisitor(request);
  const { id } = await context.params;
  const afterSeq = resumePoint(request);
  const { value } = parseRequest(resumeRunRequestSchema, await readJsonBody(request, MAX_BODY_BYTES));
  const store = await getRunStore(env);
  const run = await settleRun(store, await requireOwnedRun(store, id, visitor.id), env);
  if (run.status === "expired")
    throw new AppError("expired", "This run waited too long for an answer and expired.");
  if (run.status !== "waiting") throw new AppError("conflict", "This run is not waiting for an answer.");
  const workflow = findWorkflow(run.workflow);
  if (!workflow) throw new AppError("not_found", `There is no workflow called "${run.workflow}" any more.`);
  const client = clientAddress(request, env);
  const { slot } = await admitRun(store, { runId: id, visitor: visitor.id, client, env, countRun: false });
  const active = await resumeRun(workflow, run, value, { env, store, runId: id, owner: visitor.id, slot });
  // A client that follows the run its own way (the run view reattaches to its stream) asks for JSON.
  const accept = request.headers.get("accept") ?? "";
  if (accept.includes("application/json") && !accept.includes("text/event-stream")) {
    return Response.json({ runId: id, status: "running" }, { status: 202 });
  }
  const earlier = storeSource(store, id, {
    pollMs: 250,
    livenessTimeoutMs: env.RUN_LIVENESS_TIMEOUT_MS,
    waitingTimeoutMs: env.RUN_WAITING_TIMEOUT_MS,
  });
  return runStreamResponse({
    runId: id,
    source: logSource(active.log, earlier),
    format: pickStreamFormat(request.headers.get("accept")),
    afterSeq,
    heartbeatMs: env.HEARTBEAT_MS,
  });
});

const notAllowed = methodNotAllowed("POST");
export const GET = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
