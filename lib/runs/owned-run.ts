import "server-only";
import { AppError } from "@/lib/errors";
import type { RunLookup, RunStore, StoredRun } from "./store/types";

const NOT_FOUND = "There is no such run.";

/**
 * The run with this id, if the visitor owns it. Another visitor's run answers exactly as an
 * unknown id does (404, same words), so ids reveal nothing. A damaged record is its owner's to
 * see as damaged; to anyone else it does not exist.
 */
export async function findOwnedRun(
  store: RunStore,
  runId: string,
  owner: string,
): Promise<Exclude<RunLookup, { kind: "missing" }>> {
  const lookup = await store.getRun(runId);
  if (lookup.kind === "missing") throw new AppError("not_found", NOT_FOUND);
  const runOwner = lookup.kind === "found" ? lookup.run.owner : lookup.owner;
  if (!runOwner || runOwner !== owner) throw new AppError("not_found", NOT_FOUND);
  return lookup;
}

/** As findOwnedRun, for routes that need a readable record. */
export async function requireOwnedRun(store: RunStore, runId: string, owner: string): Promise<StoredRun> {
  const lookup = await findOwnedRun(store, runId, owner);
  if (lookup.kind === "corrupt") {
    throw new AppError(
      "conflict",
      `This run's record is damaged (${lookup.reason}); it can only be deleted.`,
    );
  }
  return lookup.run;
}

/** A share token's run, while its link stands; otherwise 404, as for an unknown link. */
export async function requireSharedRun(store: RunStore, token: string): Promise<StoredRun> {
  const runId = /^[A-Za-z0-9_-]{20,64}$/.test(token) ? await store.findSharedRun(token) : undefined;
  const lookup = runId ? await store.getRun(runId) : undefined;
  if (lookup?.kind !== "found" || lookup.run.shareToken !== token) {
    throw new AppError("not_found", "This share link does not exist, or was revoked.");
  }
  return lookup.run;
}
