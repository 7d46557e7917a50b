import "server-only";
import { type RunChunk, runParts } from "./contract";
import { runError } from "./run-errors";
import type { RunStore, StoredRun } from "./store/types";

const EXPIRED = runError("expired", "This run waited too long for an answer and expired; run it again.");

/** Whether a run has waited for an answer longer than it may. */
export function hasExpired(
  run: Pick<StoredRun, "status" | "waitingSince">,
  timeoutMs: number,
  now = Date.now(),
) {
  return run.status === "waiting" && (run.waitingSince ?? now) < now - timeoutMs;
}

/**
 * Ends a waiting run, which no process runs: stopped by its owner, or expired. Its closing events
 * (the run's new status, then the terminal part) are stored after its last one, once (a
 * conditional write), so every reader sees the same end. Returns the run as it now stands.
 */
export async function closeWaitingRun(
  store: RunStore,
  run: StoredRun,
  how: "stopped" | "expired",
  at = Date.now(),
): Promise<StoredRun> {
  const status = how;
  const closing: RunChunk[] = [
    runParts.run({
      runId: run.id,
      workflow: run.workflow,
      model: run.model,
      status,
      startedAt: run.createdAt,
      endedAt: at,
      usage: run.usage,
      costUsd: run.costUsd,
      ...(how === "expired" ? { error: EXPIRED } : {}),
    }),
    how === "expired" ? runParts.error(EXPIRED) : runParts.abort("Stopped by the user."),
  ];
  await store.closeWaitingRun(run.id, {
    expectedLastSeq: run.lastSeq,
    events: closing.map((chunk, index) => ({ seq: run.lastSeq + 1 + index, json: JSON.stringify(chunk) })),
    patch: {
      status,
      endedAt: at,
      questions: undefined,
      ...(how === "expired" ? { error: EXPIRED } : { stoppedBy: { by: "user", at } }),
    },
  });
  const after = await store.getRun(run.id);
  return after.kind === "found" ? after.run : run;
}

/** A waiting run past its time is expired first; any other run is returned as it is. */
export async function expireIfWaitedTooLong(store: RunStore, run: StoredRun, timeoutMs: number) {
  return hasExpired(run, timeoutMs) ? closeWaitingRun(store, run, "expired") : run;
}
