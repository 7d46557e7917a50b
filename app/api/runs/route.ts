import { requireVisitor } from "@/lib/auth/visitor";
import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { readJsonBody } from "@/lib/http/read-json-body";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { parseRequest } from "@/lib/http/validate";
import { startRun } from "@/lib/runs/active-runs";
import { MAX_BODY_BYTES } from "@/lib/runs/limits";
import { admitRun } from "@/lib/runs/quota";
import { loadRunHistory } from "@/lib/runs/run-pages";
import { logSource, pickStreamFormat, runStreamResponse } from "@/lib/runs/run-response";
import { getRunStore } from "@/lib/runs/store";
import { findWorkflow } from "@/lib/workflows/registry";
import { listRunsQuerySchema, startRunRequestSchema } from "./schema";

export const dynamic = "force-dynamic";

/**
 * Starts a run and streams its steps: an AI SDK UI message stream over SSE, or NDJSON for
 * `Accept: application/x-ndjson`. Every check happens before any model is touched: the request,
 * then the limits (lib/runs/quota.ts). The run belongs to the visitor; it is durable: if this
 * connection drops, the run goes on, and GET /api/runs/{id}/stream picks it up.
 */
export const POST = handleErrors(async (request: Request) => {
  const env = serverEnv();
  assertSameOrigin(request, env);
  const visitor = await requireVisitor(request);
  const body = parseRequest(startRunRequestSchema, await readJsonBody(request, MAX_BODY_BYTES));
  const workflow = findWorkflow(body.workflow);
  if (!workflow) throw new AppError("not_found", `There is no workflow called "${body.workflow}".`);
  const input = parseRequest(workflow.inputSchema, body.input);
  const store = await getRunStore(env);
  const runId = crypto.randomUUID();
  const { slot } = await admitRun(store, {
    runId,
    visitor: visitor.id,
    client: clientAddress(request, env),
    env,
  });
  const run = await startRun(workflow, input, { env, store, runId, owner: visitor.id, slot });
  return runStreamResponse({
    runId: run.runId,
    source: logSource(run.log),
    format: pickStreamFormat(request.headers.get("accept")),
    heartbeatMs: env.HEARTBEAT_MS,
  });
});

/**
 * The visitor's own runs, newest first: `?cursor=` for the next page, `?limit=` up to 50,
 * `?workflow=` and `?status=` to narrow them (a narrowed page may be short; follow `nextCursor`).
 */
export const GET = handleErrors(async (request: Request) => {
  const visitor = await requireVisitor(request);
  const { cursor, limit, ...filters } = parseRequest(
    listRunsQuerySchema,
    Object.fromEntries(new URL(request.url).searchParams),
  );
  const page = await loadRunHistory(visitor.id, { cursor, limit, ...filters });
  return Response.json(page, { headers: { "Cache-Control": "no-store" } });
});

const notAllowed = methodNotAllowed("GET", "POST");
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
