import { serverEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { handleErrors } from "@/lib/http/handle";
import { methodNotAllowed } from "@/lib/http/method-not-allowed";
import { findActiveRun } from "@/lib/runs/active-runs";
import { storeSource } from "@/lib/runs/run-liveness";
import { logSource, pickStreamFormat, type RunEventSource, runStreamResponse } from "@/lib/runs/run-response";
import { getRunStore } from "@/lib/runs/store";

export const dynamic = "force-dynamic";

/** How often a reader in another process looks for new events in the store. */
const STORE_POLL_MS = 250;

/** `Last-Event-ID` (what an EventSource sends back) or `?after=`; 0 replays from the start. */
function resumePoint(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after") ?? "0";
  if (!/^\d{1,9}$/.test(raw.trim())) {
    throw new AppError("bad_request", "Last-Event-ID (or ?after=) must be a sequence number, 0 or more.");
  }
  return Number(raw);
}

/**
 * Replays a run's events after a sequence number, then follows it to its terminal event: from this
 * process's memory when the run is here, or by tailing the durable store when it runs elsewhere.
 * A finished run replays whole; resuming after its end gives just the end of the stream.
 */
export const GET = handleErrors(async (request: Request, context: RouteContext<"/api/runs/[id]/stream">) => {
  const env = serverEnv();
  const { id } = await context.params;
  const afterSeq = resumePoint(request);
  const local = findActiveRun(id);
  let source: RunEventSource;
  if (local) {
    source = logSource(local.log);
  } else {
    const store = await getRunStore(env);
    const lookup = await store.getRun(id);
    if (lookup.kind === "missing") throw new AppError("not_found", "There is no such run.");
    source = storeSource(store, id, {
      pollMs: STORE_POLL_MS,
      livenessTimeoutMs: env.RUN_LIVENESS_TIMEOUT_MS,
    });
  }
  return runStreamResponse({
    runId: id,
    source,
    format: pickStreamFormat(request.headers.get("accept")),
    afterSeq,
    heartbeatMs: env.HEARTBEAT_MS,
  });
});

const notAllowed = methodNotAllowed("GET");
export const POST = notAllowed;
export const PUT = notAllowed;
export const PATCH = notAllowed;
export const DELETE = notAllowed;
