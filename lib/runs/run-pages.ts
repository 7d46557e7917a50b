import "server-only";
import { serverEnv } from "@/lib/env";
import { isStale } from "./run-liveness";
import { getRunStore } from "./store";
import type { RunListEntry, RunListFilters, StoredRun } from "./store/types";

/**
 * The stored run a page was asked to show, if it exists, is readable, belongs to the visitor, and
 * (when given) to the workflow.
 */
export async function findRunForPage(
  runId: string,
  owner: string | undefined,
  workflowId?: string,
): Promise<StoredRun | undefined> {
  if (!owner) return undefined;
  const store = await getRunStore(serverEnv());
  const lookup = await store.getRun(runId);
  if (lookup.kind !== "found" || lookup.run.owner !== owner) return undefined;
  if (workflowId && lookup.run.workflow !== workflowId) return undefined;
  return lookup.run;
}

export interface RunHistoryPage {
  entries: RunListEntry[];
  nextCursor?: string;
}

/**
 * A page of one visitor's run history, newest first, narrowed by the filters. A running run whose
 * process has gone quiet reads as interrupted here (the store is updated when someone opens or
 * stops it), even in a list narrowed to running runs.
 */
export async function loadRunHistory(
  owner: string | undefined,
  { cursor, limit = 20, ...filters }: { cursor?: string; limit?: number } & RunListFilters,
): Promise<RunHistoryPage> {
  if (!owner) return { entries: [] };
  const env = serverEnv();
  const store = await getRunStore(env);
  const page = await store.listRuns({ owner, limit, cursor, ...filters });
  return {
    nextCursor: page.nextCursor,
    entries: page.entries.map((entry) =>
      entry.kind === "found" && isStale(entry.run, env.RUN_LIVENESS_TIMEOUT_MS)
        ? { kind: "found", run: { ...entry.run, status: "interrupted" } }
        : entry,
    ),
  };
}
