import type { RunLog } from "./run-log";
import type { StopReason } from "./stop-reason";

/** A run this process is running (or has just finished and still holds in memory). */
export interface ActiveRun {
  runId: string;
  /** The visitor who owns it. */
  owner: string;
  workflowId: string;
  log: RunLog;
  /** Resolves once the terminal part is stored and logged. */
  done: Promise<void>;
  stop(reason: StopReason): void;
}

/** How long a finished run's in-memory log stays here for readers still attached. */
const FINISHED_RUN_RETENTION_MS = 60_000;

// Kept on globalThis so that a dev-server module reload does not orphan running runs. This module
// imports nothing heavy: the shutdown handler loads it at start-up.
const globalRuns = globalThis as typeof globalThis & { __stepstreamRuns?: Map<string, ActiveRun> };
globalRuns.__stepstreamRuns ??= new Map<string, ActiveRun>();
const runs = globalRuns.__stepstreamRuns;

export function registerRun(run: ActiveRun): void {
  runs.set(run.runId, run);
  void run.done.finally(() => {
    // A resumed run registers its next segment under the same id: only this one is dropped.
    setTimeout(() => {
      if (runs.get(run.runId) === run) runs.delete(run.runId);
    }, FINISHED_RUN_RETENTION_MS).unref();
  });
}

/** The run with this id, if this process is running it (or just finished it). */
export function findActiveRun(runId: string): ActiveRun | undefined {
  return runs.get(runId);
}

/** Every run this process is still running. */
export function activeRuns(): ActiveRun[] {
  return [...runs.values()].filter((run) => !run.log.isClosed);
}

// Run streams being written to clients right now, so a shutdown can let them finish, and the bytes
// all of them have handed to their responses (the fault suite checks none follow a hang-up).
const streams = globalThis as typeof globalThis & {
  __stepstreamOpenStreams?: { count: number; bytesWritten: number };
};
streams.__stepstreamOpenStreams ??= { count: 0, bytesWritten: 0 };
const openStreams = streams.__stepstreamOpenStreams;

/** Counts bytes a run stream handed to its response. */
export function countStreamBytes(bytes: number): void {
  openStreams.bytesWritten += bytes;
}

/** Counts a run stream response in; the returned function counts it out (once). */
export function trackOpenStream(): () => void {
  openStreams.count += 1;
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    openStreams.count -= 1;
  };
}

export function openStreamCount(): number {
  return openStreams.count;
}
