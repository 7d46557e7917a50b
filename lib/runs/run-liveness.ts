import "server-only";
import { type RunChunk, type RunPart, runParts } from "./contract";
import { runError } from "./run-errors";
import type { RunEventSource } from "./run-response";
import { expireIfWaitedTooLong } from "./run-waiting";
import type { RunStore, StoredRun } from "./store/types";

const INTERRUPTED = runError(
  "interrupted",
  "The server running this run stopped before it finished; run it again.",
);

const TERMINAL_TYPES = new Set(["finish", "abort", "error"]);

function isTerminalJson(json: string): boolean {
  try {
    return TERMINAL_TYPES.has((JSON.parse(json) as { type?: string }).type ?? "");
  } catch {
    return false;
  }
}

/** Whether a run's process has gone quiet for longer than a live one ever does. */
export function isStale(
  run: Pick<StoredRun, "status" | "heartbeatAt">,
  livenessTimeoutMs: number,
  now = Date.now(),
): boolean {
  return run.status === "running" && run.heartbeatAt < now - livenessTimeoutMs;
}

/**
 * Ends a run whose process died (no liveness for `livenessTimeoutMs`): stores a closing
 * `data-run` (interrupted) and an `error` terminal after its last stored event, so every reader,
 * in any process, sees the same end. Returns the run as it now stands.
 */
export async function interruptIfStale(
  store: RunStore,
  run: StoredRun,
  livenessTimeoutMs: number,
): Promise<StoredRun> {
  const now = Date.now();
  if (!isStale(run, livenessTimeoutMs, now)) return run;
  let end = run.lastSeq;
  for (
    let more = await store.readEvents(run.id, end, 1000);
    more.length > 0;
    more = await store.readEvents(run.id, end, 1000)
  ) {
    end = more.at(-1)?.seq ?? end;
  }
  const runPart: RunPart = {
    runId: run.id,
    workflow: run.workflow,
    model: run.model,
    status: "interrupted",
    startedAt: run.createdAt,
    endedAt: now,
    usage: run.usage,
    error: INTERRUPTED,
  };
  const closing: RunChunk[] = [{ type: "data-run", id: run.id, data: runPart }, runParts.error(INTERRUPTED)];
  await store.markInterrupted(run.id, {
    expectedLastSeq: end,
    staleBefore: now - livenessTimeoutMs,
    events: closing.map((chunk, index) => ({ seq: end + 1 + index, json: JSON.stringify(chunk) })),
    at: now,
    error: INTERRUPTED,
  });
  const after = await store.getRun(run.id);
  return after.kind === "found" ? after.run : run;
}

/**
 * A source over a run in the store, for readers in any process: it tails the stored events,
 * polling while the run is live, and ends a run whose process died so the reader still gets a
 * terminal event.
 */
export function storeSource(
  store: RunStore,
  runId: string,
  options: { pollMs: number; livenessTimeoutMs: number; waitingTimeoutMs: number },
): RunEventSource {
  return {
    read: async (afterSeq) => {
      const entries = await store.readEvents(runId, afterSeq, 500);
      if (entries.length > 0) {
        return { entries, ended: isTerminalJson(entries.at(-1)?.json ?? "") };
      }
      const lookup = await store.getRun(runId);
      if (lookup.kind === "missing") {
        // Deleted while being read: end the stream with a terminal of our own (not stored).
        const gone = runParts.error(runError("not_found", "This run was deleted."));
        return { entries: [{ seq: afterSeq + 1, json: JSON.stringify(gone) }], ended: true };
      }
      if (lookup.kind === "corrupt") {
        // Replaying it again meets the same damage, though `internal` is retryable in general.
        const damaged = runParts.error(
          runError("internal", "This run's record is damaged and cannot be replayed.", false),
        );
        return { entries: [{ seq: afterSeq + 1, json: JSON.stringify(damaged) }], ended: true };
      }
      if (lookup.run.status === "waiting") {
        // A run past its time expires here, and its closing events come with the next read.
        const now = await expireIfWaitedTooLong(store, lookup.run, options.waitingTimeoutMs);
        if (now.status !== "waiting") return { entries: [], ended: false };
        const last = await store.readEvents(runId, afterSeq, 500);
        return { entries: last, ended: last.length === 0, paused: last.length === 0 };
      }
      if (lookup.run.status !== "running") {
        // The run may have stored its last events and ended between the read above and this
        // lookup: read once more, so the reader gets them and its terminal, not an empty end.
        const last = await store.readEvents(runId, afterSeq, 500);
        return { entries: last, ended: last.length === 0 || isTerminalJson(last.at(-1)?.json ?? "") };
      }
      await interruptIfStale(store, lookup.run, options.livenessTimeoutMs);
      return { entries: [], ended: false };
    },
    wait: (_afterSeq, timeoutMs) =>
      new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(options.pollMs, timeoutMs)))),
  };
}

/**
 * A stored run as it stands now: one whose process died reads as interrupted, one that waited
 * too long for an answer as expired (each stored once, for every reader).
 */
export async function settleRun(
  store: RunStore,
  run: StoredRun,
  env: { RUN_LIVENESS_TIMEOUT_MS: number; RUN_WAITING_TIMEOUT_MS: number },
): Promise<StoredRun> {
  if (run.status === "waiting") return expireIfWaitedTooLong(store, run, env.RUN_WAITING_TIMEOUT_MS);
  return interruptIfStale(store, run, env.RUN_LIVENESS_TIMEOUT_MS);
}
