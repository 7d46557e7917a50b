import "server-only";
import { findActiveRun } from "./active-runs";
import type { RunStore, StoredRun } from "./store/types";

/** Waits until the store shows the run ended, up to `timeoutMs`; undefined if it is still going. */
export async function waitForRunEnd(
  store: RunStore,
  runId: string,
  timeoutMs: number,
): Promise<StoredRun | undefined> {
  const deadline = Date.now() + timeoutMs;
  const local = findActiveRun(runId);
  if (local) {
    await Promise.race([local.done, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
  for (;;) {
    const lookup = await store.getRun(runId);
    if (lookup.kind !== "found") return undefined;
    if (lookup.run.status !== "running") return lookup.run;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
