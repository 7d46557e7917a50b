/**
 * Deleting a run from the browser. The server deletes only a run that is not running (409
 * otherwise), so a running one is stopped first (POST …/stop answers once it has ended, or 202
 * while it is still ending) and deleted once the store shows it ended. A waiting run has no process
 * and deletes as it is.
 */
export type RemovalPhase = "stopping" | "deleting";
export type RemovalOutcome = { ok: true } | { ok: false; message: string };

export interface RemovalDeps {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  sleep: (ms: number) => Promise<void>;
  onPhase?: (phase: RemovalPhase) => void;
  /** How long to wait for a stopped run to end before giving up. */
  timeoutMs?: number;
  pollMs?: number;
}

/** Deletes a run; with `stopFirst`, stops it and waits until it has ended first. */
export async function removeRun(
  runId: string,
  { stopFirst }: { stopFirst: boolean },
  deps: RemovalDeps,
): Promise<RemovalOutcome> {
  const path = `/api/runs/${encodeURIComponent(runId)}`;
  try {
    if (stopFirst) {
      deps.onPhase?.("stopping");
      const stopped = await deps.fetch(`${path}/stop`, { method: "POST" });
      // 409: it ended by itself meanwhile, as good as stopped; 404: it is gone already.
      if (stopped.status === 404) return { ok: true };
      if (!stopped.ok && stopped.status !== 409) return failure(stopped, "The run could not be stopped.");
      if (stopped.status === 202 && !(await waitUntilEnded(path, deps))) {
        return { ok: false, message: "The run is still stopping. Try deleting it again in a moment." };
      }
    }
    deps.onPhase?.("deleting");
    const deleted = await deps.fetch(path, { method: "DELETE" });
    if (deleted.ok || deleted.status === 404) return { ok: true };
    return failure(deleted, "The run could not be deleted.");
  } catch {
    return { ok: false, message: "The server could not be reached. Check your connection and try again." };
  }
}

async function waitUntilEnded(path: string, deps: RemovalDeps): Promise<boolean> {
  const { timeoutMs = 20_000, pollMs = 500 } = deps;
  for (let waited = 0; waited <= timeoutMs; waited += pollMs) {
    const response = await deps.fetch(path);
    if (response.status === 404) return true;
    const body = (await response.json().catch(() => undefined)) as { run?: { status?: string } } | undefined;
    if (response.ok && body?.run?.status !== "running") return true;
    await deps.sleep(pollMs);
  }
  return false;
}

async function failure(response: Response, fallback: string): Promise<RemovalOutcome> {
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return { ok: false, message: body?.error?.message ?? fallback };
}
