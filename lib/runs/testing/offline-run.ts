import { MemorySaver } from "@langchain/langgraph";
import { createModelFactory } from "@/lib/models/factory";
import { findWorkflow } from "@/lib/workflows/registry";
import type { RunChunk } from "../contract";
import { executeRun, type RunOutcome } from "../executor";

/** What a person answers when a workflow asks (the tests' default: approve). */
export const APPROVE = { action: "approve" };

/**
 * Runs a workflow on the offline model in this process through the executor, to its end: when it
 * pauses to ask a person, it is resumed with `answer` (through a checkpointer, as the server does),
 * as many times as it asks. Returns every part written, in order, with when it was written.
 */
export async function runOfflineToEnd(
  workflowId: string,
  input: string,
  options: { tokensPerSecond?: number; answer?: unknown; runId?: string } = {},
): Promise<{ at: number; chunk: RunChunk }[]> {
  const workflow = findWorkflow(workflowId);
  if (!workflow) throw new Error(`There is no workflow ${workflowId}`);
  const models = await createModelFactory({
    MODEL_PROVIDER: "offline",
    OFFLINE_TOKENS_PER_SECOND: options.tokensPerSecond ?? 0,
    MODEL_MAX_TOKENS: 1024,
    AWS_REGION: "us-east-1",
  });
  const startedAt = performance.now();
  const chunks: { at: number; chunk: RunChunk }[] = [];
  const checkpointer = workflow.asksPeople ? new MemorySaver() : undefined;
  const base = {
    runId: options.runId ?? `run-${workflowId}`,
    workflow,
    input,
    models,
    checkpointer,
    signal: new AbortController().signal,
    write: (chunk: RunChunk) => chunks.push({ at: performance.now() - startedAt, chunk }),
  };
  let outcome: RunOutcome = await executeRun(base);
  for (let segment = 1; outcome.kind === "waiting"; segment++) {
    if (segment > 10) throw new Error("The workflow kept asking");
    // As the server does: the run goes on with what it used before the pause.
    const lastRun = chunks.findLast(({ chunk }) => chunk.type === "data-run")?.chunk;
    outcome = await executeRun({
      ...base,
      resume: {
        value: options.answer ?? APPROVE,
        interrupts: outcome.questions,
        segment,
        startedAt: 0,
        usage: (lastRun?.type === "data-run" ? lastRun.data.usage : undefined) ?? {
          inputTokens: 0,
          outputTokens: 0,
        },
      },
    });
  }
  return chunks;
}
