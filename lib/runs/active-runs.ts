import "server-only";
import { createUIMessageStream } from "ai";
import { serverEnv } from "@/lib/env";
import { createModelFactory } from "@/lib/models/factory";
import type { WorkflowSpec } from "@/lib/workflows/types";
import type { RunChunk, RunUIMessage } from "./contract";
import { executeRun } from "./executor";
import { describeRunFailure, StopReason } from "./run-errors";
import { RunLog } from "./run-log";

/** How long a finished run's log stays readable in this process. */
const FINISHED_RUN_RETENTION_MS = 60_000;

export interface ActiveRun {
  runId: string;
  workflowId: string;
  log: RunLog;
  /** Resolves once the terminal part is logged. */
  done: Promise<void>;
  stop(reason: StopReason): void;
}

// Kept on globalThis so that a dev-server module reload does not orphan running runs.
const globalRuns = globalThis as typeof globalThis & { __stepstreamRuns?: Map<string, ActiveRun> };
globalRuns.__stepstreamRuns ??= new Map<string, ActiveRun>();
const runs = globalRuns.__stepstreamRuns;

/**
 * Starts a workflow run in this process and returns at once: the run goes on in the background,
 * writing its parts to its log, whoever reads them and however fast.
 */
export async function startRun(workflow: WorkflowSpec, input: string): Promise<ActiveRun> {
  const models = await createModelFactory(serverEnv());
  const runId = crypto.randomUUID();
  const log = new RunLog();
  const controller = new AbortController();

  const parts = createUIMessageStream<RunUIMessage>({
    execute: ({ writer }) =>
      executeRun({
        runId,
        workflow,
        input,
        models,
        signal: controller.signal,
        write: (chunk) => writer.write(chunk),
      }),
    onError: (error) => describeRunFailure(error).message,
  });

  const run: ActiveRun = {
    runId,
    workflowId: workflow.id,
    log,
    done: drainInto(parts, log).finally(() => {
      setTimeout(() => runs.delete(runId), FINISHED_RUN_RETENTION_MS).unref();
    }),
    stop: (reason) => {
      if (!log.isClosed) controller.abort(reason);
    },
  };
  runs.set(runId, run);
  return run;
}

/** The run with this id, if this process has it. */
export function findActiveRun(runId: string): ActiveRun | undefined {
  return runs.get(runId);
}

/** Stops every run still going, e.g. when the server shuts down. */
export function stopAllRuns(reason: StopReason): void {
  for (const run of runs.values()) run.stop(reason);
}

async function drainInto(parts: ReadableStream<RunChunk>, log: RunLog): Promise<void> {
  const reader = parts.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      log.append(value);
    }
  } catch (error) {
    console.error("run stream failed", error);
  }
  if (!log.isClosed) {
    // The executor always ends with a terminal part; this only guards against a bug in it.
    log.append({ type: "error", errorText: "The run ended without a result; try again." });
  }
}

export { StopReason };
