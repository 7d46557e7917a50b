import "server-only";
import { createUIMessageStream } from "ai";
import type { ServerEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createModelFactory } from "@/lib/models/factory";
import { priceOf } from "@/lib/models/pricing";
import type { WorkflowSpec } from "@/lib/workflows/types";
import { isTerminalChunk, type RunChunk, type RunUIMessage } from "./contract";
import { executeRun } from "./executor";
import { RunQuota } from "./quota";
import { describeRunFailure, StopReason, stopReasonOf } from "./run-errors";
import { type LoggedChunk, RunLog } from "./run-log";
import { RunRecorder } from "./run-recorder";
import { type ActiveRun, registerRun } from "./run-registry";
import type { RunPatch, RunStore } from "./store/types";

/** Progress writes: about one per second per run, plus one at every node's end. */
const RECORD_INTERVAL_MS = 1_000;
/** Stop polls: a cheap read twice a second, so a stop from any process lands within a second. */
const STOP_POLL_MS = 500;

/**
 * Starts a workflow run in this process and returns at once: the run goes on in the background to
 * its end, its deadline or a stop (a reader going away does not stop it, as on Lambda, which never
 * says), writing its parts to an in-memory log for readers here and to the durable store for
 * everyone else.
 */
export async function startRun(
  workflow: WorkflowSpec,
  input: string,
  context: {
    env: ServerEnv;
    store: RunStore;
    /** The id the run was admitted under (lib/runs/quota.ts). */
    runId: string;
    /** The visitor who starts it and owns it. */
    owner: string;
    /** The concurrency slot it holds, freed when it ends. */
    slot?: number;
  },
): Promise<ActiveRun> {
  const { env, store, runId, owner, slot } = context;
  const releaseSlot = () =>
    slot === undefined
      ? Promise.resolve()
      : store.releaseSlot(owner, slot, runId).catch((error: unknown) => {
          console.error("freeing a run's slot failed; its lease frees it later", error);
        });
  const models = await createModelFactory(env).catch(async (error: unknown) => {
    await releaseSlot();
    throw error;
  });
  const createdAt = Date.now();
  try {
    await store.createRun({
      id: runId,
      owner,
      workflow: workflow.id,
      input,
      model: models.info,
      status: "running",
      createdAt,
      heartbeatAt: createdAt,
      lastSeq: 0,
    });
  } catch (error) {
    console.error("recording a new run failed", error);
    await releaseSlot();
    throw new AppError(
      "store_unavailable",
      "Runs cannot be saved right now, so this one was not started; try again.",
      {
        cause: error,
        retryable: true,
      },
    );
  }

  const log = new RunLog();
  const controller = new AbortController();
  const abort = (reason: StopReason) => {
    if (!log.isClosed && !controller.signal.aborted) controller.abort(reason);
  };
  const recorder = new RunRecorder({
    store,
    runId,
    intervalMs: RECORD_INTERVAL_MS,
    stopPollMs: STOP_POLL_MS,
    onStopRequested: (request) =>
      abort(request.by === "shutdown" ? StopReason.shutdown() : StopReason.byUser(request.at)),
    onLost: () => abort(StopReason.lost()),
  });
  // The run's own deadline, below the Lambda timeout: it ends with a clear terminal event instead
  // of being cut off mid-stream.
  const deadline = setTimeout(() => abort(StopReason.deadline(env.RUN_DEADLINE_MS)), env.RUN_DEADLINE_MS);
  deadline.unref();
  const quota = new RunQuota(store, owner, env, abort);
  const parts = createUIMessageStream<RunUIMessage>({
    execute: ({ writer }) =>
      executeRun({
        runId,
        workflow,
        input,
        models,
        signal: controller.signal,
        write: (chunk) => writer.write(chunk),
        modelCalls: { idleTimeoutMs: env.MODEL_IDLE_TIMEOUT_MS, maxAttempts: env.MODEL_MAX_ATTEMPTS },
        price: priceOf(models.info, {
          input: env.MODEL_PRICE_INPUT_PER_1K,
          output: env.MODEL_PRICE_OUTPUT_PER_1K,
        }),
        tokenBudget: { tokens: env.RUN_TOKEN_BUDGET, exceeded: abort },
        onTokens: (tokens) => quota.charge(tokens),
        beforeModelCall: () => quota.settled(),
      }),
    onError: (error) => describeRunFailure(error).message,
  });

  const run: ActiveRun = {
    runId,
    owner,
    workflowId: workflow.id,
    log,
    done: drainInto(parts, log, recorder, controller.signal).finally(() => {
      clearTimeout(deadline);
      return releaseSlot();
    }),
    stop: abort,
  };
  registerRun(run);
  return run;
}

/** What the store should say about a run once this terminal part ends it. */
function finalPatch(chunk: RunChunk, signal: AbortSignal): RunPatch {
  const endedAt = Date.now();
  if (chunk.type === "finish") return { status: "done", endedAt };
  if (chunk.type === "abort") {
    const reason = stopReasonOf(signal.reason);
    return { status: "stopped", endedAt, stoppedBy: { by: reason.by, at: reason.at } };
  }
  const code = (chunk as { code?: string }).code;
  return { status: code === "interrupted" ? "interrupted" : "failed", endedAt };
}

/**
 * Moves the executor's parts into the log and the recorder. The terminal part goes to the store
 * first and only then to the log: a reader that sees the end here finds it in the store too.
 */
async function drainInto(
  parts: ReadableStream<RunChunk>,
  log: RunLog,
  recorder: RunRecorder,
  signal: AbortSignal,
): Promise<void> {
  const reader = parts.getReader();
  const end = async (chunk: RunChunk) => {
    const terminal: LoggedChunk = { seq: log.lastSeq + 1, chunk, json: JSON.stringify(chunk) };
    await recorder.finish(terminal, finalPatch(chunk, signal));
    log.append(chunk);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (isTerminalChunk(value)) {
        await end(value);
        continue;
      }
      const seq = log.append(value);
      const entry = seq === undefined ? undefined : log.entry(seq);
      if (entry) recorder.add(entry);
    }
  } catch (error) {
    console.error("run stream failed", error);
  }
  if (!log.isClosed) {
    // The executor always ends with a terminal part; this only guards against a bug in it.
    await end({ type: "error", errorText: "The run ended without a result; try again." });
  }
  recorder.dispose();
}

export { type ActiveRun, activeRuns, findActiveRun } from "./run-registry";
export { StopReason };
