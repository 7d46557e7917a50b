import { describe, expect, it } from "vitest";
import type { WorkflowSpec } from "@/lib/workflows/types";
import type { RunChunk, StepPart } from "../contract";
import { StepBook } from "./step-book";

const workflow = { id: "test", title: "Test" } as WorkflowSpec;

function book() {
  const chunks: RunChunk[] = [];
  let clock = 1_000;
  const steps = new StepBook((chunk) => chunks.push(chunk), {
    workflow,
    price: { inputPer1k: 0.001, outputPer1k: 0.005 },
    now: () => (clock += 100),
    segment: 0,
  });
  const lastStep = (taskId: string): StepPart | undefined =>
    chunks
      .filter((chunk) => chunk.type === "data-step" && chunk.id === taskId)
      .map((chunk) => (chunk as { data: StepPart }).data)
      .at(-1);
  return { steps, chunks, lastStep };
}

describe("StepBook", () => {
  it("gives a step what it was given, rendered, when it starts", () => {
    const { steps, lastStep } = book();
    steps.start({ id: "t1", name: "plan", input: { topic: "Lisbon" } });
    expect(lastStep("t1")).toMatchObject({ status: "running", input: '{\n  "topic": "Lisbon"\n}' });
  });

  it("estimates the tokens of a stopped step's streamed text when its model never reported them", () => {
    const { steps, lastStep } = book();
    steps.start({ id: "t1", name: "draft", input: {} });
    steps.token("t1", "a".repeat(10));
    steps.token("t1", "b".repeat(7));
    steps.closeRunning("stopped");
    const ended = lastStep("t1");
    expect(ended).toMatchObject({ status: "stopped", usage: { inputTokens: 0, outputTokens: 5 } });
    expect(ended?.usageEstimated).toBe(true);
    expect(ended?.costUsd).toBeGreaterThan(0);
    expect(steps.total()).toEqual({ inputTokens: 0, outputTokens: 5 });
  });

  it("estimates a failed step's unreported text on top of what was reported", () => {
    const { steps, lastStep } = book();
    steps.start({ id: "t1", name: "draft", input: {} });
    steps.token("t1", "first call");
    steps.usage("t1", 12, 3, () => {});
    steps.token("t1", "x".repeat(9));
    steps.finish("t1", "failed", undefined, "model error");
    expect(lastStep("t1")).toMatchObject({
      status: "failed",
      usage: { inputTokens: 12, outputTokens: 6 },
      usageEstimated: true,
    });
  });

  it("reports a step's own usage as exact", () => {
    const { steps, lastStep } = book();
    steps.start({ id: "t1", name: "draft", input: {} });
    steps.token("t1", "x".repeat(40));
    steps.usage("t1", 20, 11, () => {});
    steps.closeRunning("stopped");
    const ended = lastStep("t1");
    expect(ended?.usage).toEqual({ inputTokens: 20, outputTokens: 11 });
    expect(ended?.usageEstimated).toBeUndefined();
  });

  it("does not estimate a step that finished: its text was accounted for, or it made no call", () => {
    const { steps, lastStep } = book();
    steps.start({ id: "t1", name: "draft", input: {} });
    steps.token("t1", "x".repeat(40));
    steps.finish("t1", "done", { draft: "x" });
    expect(lastStep("t1")?.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(lastStep("t1")?.usageEstimated).toBeUndefined();
  });

  it("does not mark a stopped step that streamed nothing", () => {
    const { steps, lastStep } = book();
    steps.start({ id: "t1", name: "draft", input: {} });
    steps.closeRunning("stopped");
    expect(lastStep("t1")?.usageEstimated).toBeUndefined();
  });
});
