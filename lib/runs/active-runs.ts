import "server-only";
import type { ServerEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createModelFactory } from "@/lib/models/factory";
import type { WorkflowSpec } from "@/lib/workflows/types";
import { checkpointerFor } from "./checkpointer";
import { StopReason } from "./run-errors";
import type { ActiveRun } from "./run-registry";
import { runSegment } from "./run-segment";
import type { RunStore, StoredRun } from "./store/types";

interface RunContext {
  env: ServerEnv;
  store: RunStore;
  /** The id the run was admitted under (lib/runs/quota.ts). */
  runId: string;
  /** The visitor who starts it and owns it. */
  owner: string;
  /** The concurrency slot it holds, freed when it ends or pauses. */
  slot?: number;
}

const storeUnavailable = (error: unknown) =>
  new AppError(
    "store_unavailable",
    "Runs cannot be saved right now, so this one was not started; try again.",
    { cause: error },
  );

/**
 * Starts a workflow run in this process and returns at once: the run goes on in the background
 * (lib/runs/run-segment.ts) to its end, its deadline, a stop, or a pause for a person's answer.
 */
export async function startRun(
  workflow: WorkflowSpec,
  input: string,
  context: RunContext,
): Promise<ActiveRun> {
  const { env, store, runId, owner, slot } = context;
  const releaseSlot = () =>
    slot === undefined ? Promise.resolve() : store.releaseSlot(owner, slot, runId).catch(() => undefined);
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
    throw storeUnavailable(error);
  }
  return runSegment({
    env,
    store,
    models,
    workflow,
    runId,
    input,
    owner,
    slot,
    baseSeq: 0,
    checkpointer: workflow.asksPeople ? await checkpointerFor(env) : undefined,
  });
}

/**
 * Takes a waiting run up again in this process, with the person's answer: the same run id, its
 * sequence numbers carrying on from the last stored one, its graph state from the run store's
 * checkpointer, whichever process paused it. Of two racing resumes, one wins; the other is told
 * the run is no longer waiting (409).
 */
export async function resumeRun(
  workflow: WorkflowSpec,
  waiting: StoredRun,
  value: unknown,
  context: RunContext,
): Promise<ActiveRun> {
  const { env, store, runId, owner, slot } = context;
  const releaseSlot = () =>
    slot === undefined ? Promise.resolve() : store.releaseSlot(owner, slot, runId).catch(() => undefined);
  let claimed: Awaited<ReturnType<RunStore["resumeRun"]>>;
  try {
    const models = await createModelFactory(env);
    claimed = await store.resumeRun(runId, { heartbeatAt: Date.now() });
    if (claimed.kind !== "resumed") {
      await releaseSlot();
      throw new AppError("conflict", "This run is no longer waiting for an answer.");
    }
    const run = claimed.run;
    return runSegment({
      env,
      store,
      models,
      workflow,
      runId,
      input: run.input,
      owner,
      slot,
      baseSeq: run.lastSeq,
      checkpointer: await checkpointerFor(env),
      resume: {
        value,
        interrupts: waiting.questions ?? [],
        segment: run.segments ?? 1,
        startedAt: run.createdAt,
        usage: run.usage ?? { inputTokens: 0, outputTokens: 0 },
      },
    });
  } catch (error) {
    await releaseSlot();
    if (error instanceof AppError) throw error;
    console.error("resuming a run failed", error);
    throw storeUnavailable(error);
  }
}

export { type ActiveRun, activeRuns, findActiveRun } from "./run-registry";
export { StopReason };
