import "server-only";
import type { ServerEnv } from "@/lib/env";
import type { ModelFactory } from "@/lib/models/factory";
import { priceOf } from "@/lib/models/pricing";
import type { WorkflowSpec } from "@/lib/workflows/types";
import { isTerminalChunk, type RunChunk } from "./contract";
import { executeRun, type ResumeOptions, type RunOutcome } from "./executor";
import { RunQuota } from "./quota";
import { StopReason, stopReasonOf } from "./run-errors";
import { type LoggedChunk, RunLog } from "./run-log";
import { RunRecorder } from "./run-recorder";
import { type ActiveRun, registerRun } from "./run-registry";
import type { RunPatch, RunStore } from "./store/types";

/** Progress writes: about one per second per run, plus one at a node's end… */
const RECORD_INTERVAL_MS = 1_000;
/** …at most one per 100 ms: a step's end shows in another process's view well within a second. */
const STEP_END_GAP_MS = 100;
/** Stop polls: a cheap read twice a second, so a stop from any process lands within a second. */
const STOP_POLL_MS = 500;

export interface SegmentContext {
  env: ServerEnv;
  store: RunStore;
  models: ModelFactory;
  workflow: WorkflowSpec;
  runId: string;
  input: string;
  owner: string;
  /** The concurrency slot the segment holds, freed when it ends or pauses. */
  slot?: number;
  /** The last event stored before this segment (0 for a new run). */
  baseSeq: number;
  checkpointer?: Parameters<typeof executeRun>[0]["checkpointer"];
  resume?: ResumeOptions;
}

/**
 * Runs one segment of a run in this process, from its start or from a resume to its end or its
 * next pause, and returns at once: it goes on in the background to its end, its deadline or a
 * stop (a reader going away does not stop it, as on Lambda, which never says), writing its parts
 * to an in-memory log for readers here and to the durable store for everyone else.
 */
export function runSegment(context: SegmentContext): ActiveRun {
  const { env, store, runId, owner, slot } = context;
  const log = new RunLog(context.baseSeq);
  const controller = new AbortController();
  const abort = (reason: StopReason) => {
    if (!log.isEnded && !controller.signal.aborted) controller.abort(reason);
  };
  const recorder = new RunRecorder({
    store,
    runId,
    intervalMs: RECORD_INTERVAL_MS,
    stepEndGapMs: STEP_END_GAP_MS,
    stopPollMs: STOP_POLL_MS,
    onStopRequested: (request) =>
      abort(request.by === "shutdown" ? StopReason.shutdown() : StopReason.byUser(request.at)),
    onLost: () => abort(StopReason.lost()),
  });
  // The segment's own deadline, below the Lambda timeout: it ends with a clear terminal event
  // instead of being cut off mid-stream.
  const deadline = setTimeout(() => abort(StopReason.deadline(env.RUN_DEADLINE_MS)), env.RUN_DEADLINE_MS);
  deadline.unref();
  const quota = new RunQuota(store, owner, env, abort);
  let terminal: RunChunk | undefined;
  const accept = (chunk: RunChunk) => {
    // The terminal part goes to the store first and only then to the log (below): a reader that
    // sees the end here finds it in the store too.
    if (isTerminalChunk(chunk)) {
      terminal = chunk;
      return;
    }
    const seq = log.append(chunk);
    const entry = seq === undefined ? undefined : log.entry(seq);
    if (entry) recorder.add(entry);
  };
  const outcome = executeRun({
    runId,
    workflow: context.workflow,
    input: context.input,
    models: context.models,
    signal: controller.signal,
    write: accept,
    modelCalls: { idleTimeoutMs: env.MODEL_IDLE_TIMEOUT_MS, maxAttempts: env.MODEL_MAX_ATTEMPTS },
    price: priceOf(context.models.info, {
      input: env.MODEL_PRICE_INPUT_PER_1K,
      output: env.MODEL_PRICE_OUTPUT_PER_1K,
    }),
    tokenBudget: { tokens: env.RUN_TOKEN_BUDGET, exceeded: abort },
    onTokens: (tokens) => quota.charge(tokens),
    beforeModelCall: () => quota.settled(),
    checkpointer: context.checkpointer,
    resume: context.resume,
  });
  const done = settle(outcome, () => terminal, log, recorder, controller.signal).finally(async () => {
    clearTimeout(deadline);
    recorder.dispose();
    if (slot !== undefined) {
      await store.releaseSlot(owner, slot, runId).catch((error: unknown) => {
        console.error("freeing a run's slot failed; its lease frees it later", error);
      });
    }
  });
  const run: ActiveRun = { runId, owner, workflowId: context.workflow.id, log, done, stop: abort };
  registerRun(run);
  return run;
}

/** Stores how the segment ended, then ends the log: with the terminal part, or paused. */
async function settle(
  outcome: Promise<RunOutcome>,
  terminalOf: () => RunChunk | undefined,
  log: RunLog,
  recorder: RunRecorder,
  signal: AbortSignal,
): Promise<void> {
  let result: RunOutcome;
  try {
    result = await outcome;
  } catch (error) {
    // The executor never throws; this only guards against a bug in it.
    console.error("run failed outside its executor", error);
    result = { kind: "ended" };
  }
  if (result.kind === "waiting") {
    await recorder.finish(undefined, {
      status: "waiting",
      waitingSince: Date.now(),
      questions: result.questions,
    });
    log.pause();
    return;
  }
  const chunk =
    terminalOf() ?? ({ type: "error", errorText: "The run ended without a result; try again." } as RunChunk);
  const entry: LoggedChunk = { seq: log.lastSeq + 1, chunk, json: JSON.stringify(chunk) };
  await recorder.finish(entry, finalPatch(chunk, signal));
  log.append(chunk);
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
