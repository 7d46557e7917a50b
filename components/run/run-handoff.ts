/**
 * A run started on one run's page opens at its own page (`/runs/{id}`), which is a new page: what
 * the old page knew (the person pressed Run, so Stop should have focus) crosses over in the tab's
 * sessionStorage, for that run only, and is read once.
 */
const STARTED_RUN_KEY = "stepstream:started-run";

type SessionStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** The address of a run's own page. */
export function runPagePath(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`;
}

/** Notes, before going to its page, that the person has just started `runId` in this tab. */
export function noteRunStartedHere(runId: string, store: SessionStore | undefined = sessionStore()): void {
  try {
    store?.setItem(STARTED_RUN_KEY, runId);
  } catch {
    // Storage full or refused (private browsing): the new page just leaves focus where it is.
  }
}

/** Whether the person has just started `runId` in this tab; forgets it, so a reload does not count. */
export function takeRunStartedHere(runId: string, store: SessionStore | undefined = sessionStore()): boolean {
  try {
    if (store?.getItem(STARTED_RUN_KEY) !== runId) return false;
    store.removeItem(STARTED_RUN_KEY);
    return true;
  } catch {
    return false;
  }
}

function sessionStore(): SessionStore | undefined {
  try {
    return typeof window === "undefined" ? undefined : window.sessionStorage;
  } catch {
    return undefined;
  }
}
