import "server-only";
import type { ServerEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { findActiveRun } from "./active-runs";
import { storeSource } from "./run-liveness";
import { logSource, pickStreamFormat, type RunEventSource, runStreamResponse } from "./run-response";
import type { RunStore } from "./store/types";

/** How often a reader in another process looks for new events in the store. */
const STORE_POLL_MS = 250;

/** `Last-Event-ID` (what an EventSource sends back) or `?after=`; 0 replays from the start. */
export function resumePoint(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after") ?? "0";
  if (!/^\d{1,9}$/.test(raw.trim())) {
    throw new AppError("bad_request", "Last-Event-ID (or ?after=) must be a sequence number, 0 or more.");
  }
  return Number(raw);
}

/**
 * A run's events after the request's resume point, then the run followed to its terminal event:
 * from this process's memory when the run is here, or by tailing the durable store when it runs
 * elsewhere. The caller has checked that the requester may read this run.
 */
export function followRun(request: Request, runId: string, store: RunStore, env: ServerEnv): Response {
  const afterSeq = resumePoint(request);
  const fromStore = storeSource(store, runId, {
    pollMs: STORE_POLL_MS,
    livenessTimeoutMs: env.RUN_LIVENESS_TIMEOUT_MS,
    waitingTimeoutMs: env.RUN_WAITING_TIMEOUT_MS,
  });
  const local = findActiveRun(runId);
  // A run resumed elsewhere after this process paused it: its log here has ended; the store goes on.
  const source: RunEventSource = local && !local.log.isPaused ? logSource(local.log, fromStore) : fromStore;
  return runStreamResponse({
    runId,
    source,
    format: pickStreamFormat(request.headers.get("accept")),
    afterSeq,
    heartbeatMs: env.HEARTBEAT_MS,
  });
}
