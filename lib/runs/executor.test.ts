import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createModelFactory, type ModelFactory } from "@/lib/models/factory";
import { askModel } from "@/lib/workflows/model-access";
import { findWorkflow } from "@/lib/workflows/registry";
import type { RunnableWorkflowGraph, WorkflowSpec } from "@/lib/workflows/types";
import type { RunChunk, StepPart } from "./contract";
import { executeRun } from "./executor";
import { StopReason } from "./run-errors";

const offlineModels = (tokensPerSecond: number): Promise<ModelFactory> =>
  createModelFactory({
    MODEL_PROVIDER: "offline",
    OFFLINE_TOKENS_PER_SECOND: tokensPerSecond,
    MODEL_MAX_TOKENS: 1024,
    AWS_REGION: "us-east-1",
  });

const stepParts = (chunks: RunChunk[]): StepPart[] =>
  chunks.flatMap((chunk) => (chunk.type === "data-step" ? [chunk.data] : []));

const terminalTypes = (chunks: RunChunk[]) =>
  chunks
    .map((chunk) => chunk.type)
    .filter((type) => type === "finish" || type === "abort" || type === "error");

/** The last reported state of each task, by task id. */
function lastStepStates(chunks: RunChunk[]): Map<string, StepPart> {
  const last = new Map<string, StepPart>();
  for (const step of stepParts(chunks)) last.set(step.taskId, step);
  return last;
}

/** A one-node workflow whose node streams a little text from the real offline model, then fails. */
function failingWorkflow(failure: Error): WorkflowSpec {
  const State = Annotation.Root({ task: Annotation<string>, answer: Annotation<string> });
  const callModel = async (state: typeof State.State, config: RunnableConfig) => {
    await askModel(config, { role: "generate", system: "Write a pitch.", fields: { Task: state.task } });
    throw failure;
  };
  const graph = new StateGraph(State)
    .addNode("call_model", callModel)
    .addEdge(START, "call_model")
    .addEdge("call_model", END)
    .compile();
  return {
    id: "failing",
    title: "Failing",
    pattern: "One node that throws",
    description: "Fails after its model call.",
    exampleInput: "anything",
    inputSchema: z.string(),
    build: () => graph as unknown as RunnableWorkflowGraph,
    result: () => "",
  };
}

describe("stopping a run", () => {
  it("ends with abort, marks running steps stopped and writes no token after the stop", async () => {
    const workflow = findWorkflow("trip-planner");
    if (!workflow) throw new Error("trip-planner is not registered");
    const controller = new AbortController();
    const chunks: RunChunk[] = [];
    let abortedAtIndex: number | undefined;
    let runningAtAbort: string[] = [];
    let abortedAt = 0;

    await executeRun({
      runId: "run-stopped",
      workflow,
      input: "Two days in Porto",
      models: await offlineModels(100),
      signal: controller.signal,
      write: (chunk) => {
        chunks.push(chunk);
        if (chunk.type === "text-delta" && abortedAtIndex === undefined) {
          abortedAtIndex = -1;
          // The stop arrives from elsewhere (another request), not from inside the write.
          setTimeout(() => {
            abortedAtIndex = chunks.length;
            runningAtAbort = [...lastStepStates(chunks).values()]
              .filter((step) => step.status === "running")
              .map((step) => step.taskId);
            abortedAt = performance.now();
            controller.abort(StopReason.byUser());
          }, 0);
        }
      },
    });
    const stopTook = performance.now() - abortedAt;

    expect(abortedAtIndex).toBeGreaterThan(0);
    const afterAbort = chunks.slice(abortedAtIndex);
    expect(afterAbort.filter((chunk) => chunk.type === "text-delta")).toEqual([]);
    expect(
      afterAbort.filter((chunk) => chunk.type === "data-step" && chunk.data.status === "running"),
    ).toEqual([]);

    expect(terminalTypes(chunks)).toEqual(["abort"]);
    const last = chunks.at(-1);
    expect(last).toEqual({ type: "abort", reason: StopReason.byUser().message });

    const runParts = chunks.flatMap((chunk) => (chunk.type === "data-run" ? [chunk.data] : []));
    expect(runParts.at(-1)?.status).toBe("stopped");
    expect(runParts.at(-1)?.endedAt).toBeTypeOf("number");

    // All three branches were running when the stop landed; each is reported stopped, none done.
    expect(runningAtAbort).toHaveLength(3);
    const finalStates = lastStepStates(chunks);
    for (const taskId of runningAtAbort) expect(finalStates.get(taskId)?.status).toBe("stopped");
    expect([...finalStates.values()].every((step) => step.status === "stopped")).toBe(true);
    expect(chunks.some((chunk) => chunk.type === "data-result")).toBe(false);

    // A text part opened before the stop is closed before its step is reported stopped.
    for (const taskId of runningAtAbort) {
      const opened = chunks.findIndex((chunk) => chunk.type === "text-start" && chunk.id === taskId);
      const stopped = chunks.findIndex(
        (chunk) =>
          chunk.type === "data-step" && chunk.data.taskId === taskId && chunk.data.status === "stopped",
      );
      if (opened >= 0) {
        const closed = chunks.findIndex((chunk) => chunk.type === "text-end" && chunk.id === taskId);
        expect(closed).toBeGreaterThan(opened);
        expect(closed).toBeLessThan(stopped);
      }
    }
    // The model call in flight stops too: at 100 tokens/s the branches had seconds left to write.
    expect(stopTook).toBeLessThan(500);
  });

  it("reports a stop without a StopReason as stopped, not failed", async () => {
    const workflow = findWorkflow("pitch-refiner");
    if (!workflow) throw new Error("pitch-refiner is not registered");
    const controller = new AbortController();
    const chunks: RunChunk[] = [];
    await executeRun({
      runId: "run-plain-abort",
      workflow,
      input: "A pocket-sized weather station",
      models: await offlineModels(100),
      signal: controller.signal,
      write: (chunk) => {
        chunks.push(chunk);
        if (chunk.type === "text-delta") controller.abort();
      },
    });
    expect(terminalTypes(chunks)).toEqual(["abort"]);
    expect(chunks.at(-1)).toMatchObject({ type: "abort", reason: "Stopped." });
    expect([...lastStepStates(chunks).values()].map((step) => step.status)).toEqual(["stopped"]);
  });
});

describe("a node that throws", () => {
  it("ends the run with one error part carrying the mapped code", async () => {
    const throttled = new Error("Rate exceeded for account 123456789012");
    throttled.name = "ThrottlingException";
    const chunks: RunChunk[] = [];
    await executeRun({
      runId: "run-failed",
      workflow: failingWorkflow(throttled),
      input: "A pocket-sized weather station",
      models: await offlineModels(0),
      signal: new AbortController().signal,
      write: (chunk) => chunks.push(chunk),
    });

    expect(terminalTypes(chunks)).toEqual(["error"]);
    const last = chunks.at(-1);
    expect(last).toMatchObject({ type: "error", code: "rate_limited", retryable: true });
    expect(last?.type === "error" ? last.errorText : "").not.toContain("123456789012");

    const steps = stepParts(chunks);
    expect(steps.map((step) => [step.node, step.status])).toEqual([
      ["call_model", "running"],
      ["call_model", "failed"],
    ]);
    // LangGraph reports a task's error as a plain { name, message } object, so the step's own text
    // is only known to be present here; the run's terminal part carries the mapped error.
    expect(steps.at(-1)?.error).toEqual(expect.any(String));

    // The node's tokens were relayed, and its text part closed before the step failed.
    const textEnd = chunks.findIndex((chunk) => chunk.type === "text-end");
    const failed = chunks.findIndex((chunk) => chunk.type === "data-step" && chunk.data.status === "failed");
    expect(chunks.some((chunk) => chunk.type === "text-delta")).toBe(true);
    expect(textEnd).toBeGreaterThan(0);
    expect(textEnd).toBeLessThan(failed);

    const runParts = chunks.flatMap((chunk) => (chunk.type === "data-run" ? [chunk.data] : []));
    expect(runParts.at(-1)).toMatchObject({
      status: "failed",
      error: { code: "rate_limited", retryable: true },
    });
    expect(chunks.some((chunk) => chunk.type === "data-result")).toBe(false);
  });

  it("hides an unexpected error's message behind a generic internal error", async () => {
    const chunks: RunChunk[] = [];
    await executeRun({
      runId: "run-bug",
      workflow: failingWorkflow(new TypeError("Cannot read properties of undefined (reading 'secret')")),
      input: "anything",
      models: await offlineModels(0),
      signal: new AbortController().signal,
      write: (chunk) => chunks.push(chunk),
    });
    expect(terminalTypes(chunks)).toEqual(["error"]);
    expect(chunks.at(-1)).toMatchObject({ type: "error", code: "internal" });
    expect(JSON.stringify(chunks)).not.toContain("secret");
  });
});
