import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { readJsonBody } from "@/lib/http/read-json-body";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { parseRequest } from "@/lib/http/validate";
import { startRun } from "@/lib/runs/active-runs";
import { MAX_BODY_BYTES } from "@/lib/runs/limits";
import { logSource, pickStreamFormat, runStreamResponse } from "@/lib/runs/run-response";
import { getRunStore } from "@/lib/runs/store";
import { findWorkflow } from "@/lib/workflows/registry";
import { startRunRequestSchema } from "./schema";

export const dynamic = "force-dynamic";

/**
 * Starts a run and streams its steps: an AI SDK UI message stream over SSE, or NDJSON for
 * `Accept: application/x-ndjson`. Every check happens before any model is touched. The run is
 * durable: if this connection drops, the run goes on, and GET /api/runs/{id}/stream picks it up.
 */
export const POST = handleErrors(async (request: Request) => {
  const env = serverEnv();
  assertSameOrigin(request, env.ALLOWED_ORIGINS);
  const body = parseRequest(startRunRequestSchema, await readJsonBody(request, MAX_BODY_BYTES));
  const workflow = findWorkflow(body.workflow);
  if (!workflow) throw new AppError("not_found", `There is no workflow called "${body.workflow}".`);
  const input = parseRequest(workflow.inputSchema, body.input);

  const run = await startRun(workflow, input, { env, store: await getRunStore(env) });
  return runStreamResponse({
    runId: run.runId,
    source: logSource(run.log),
    format: pickStreamFormat(request.headers.get("accept")),
    heartbeatMs: env.HEARTBEAT_MS,
  });
});

const notAllowed = methodNotAllowed("POST");
export const GET = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
