import { describe, expect, it } from "vitest";
import type { RunPart } from "@/lib/runs/contract";
import type { RunStep } from "./read-run";
import { runTotals } from "./run-totals";
import { testStep } from "./test-steps";

const run: RunPart = {
  runId: "r1",
  workflow: "trip-planner",
  model: { provider: "offline", id: "offline", label: "Offline" },
  status: "running",
  startedAt: 1_000,
  usage: { inputTokens: 0, outputTokens: 0 },
  costUsd: 0,
};

const step = (fields: Partial<RunStep> & Pick<RunStep, "taskId" | "status">) =>
  testStep({ node: "n", startedAt: 1_000, ...fields });

describe("runTotals", () => {
  it("adds up finished steps while the run's own totals still read zero", () => {
    const totals = runTotals(
      run,
      [
        step({ taskId: "a", status: "done", usage: { inputTokens: 10, outputTokens: 20 }, costUsd: 0.5 }),
        step({ taskId: "b", status: "done", usage: { inputTokens: 5, outputTokens: 7 }, costUsd: 0.25 }),
      ],
      4_500,
    );
    expect(totals).toEqual({
      elapsedMs: 3_500,
      usage: { inputTokens: 15, outputTokens: 27 },
      costUsd: 0.75,
      estimated: false,
    });
  });

  it("counts a running step's streamed text as an estimate", () => {
    const totals = runTotals(
      run,
      [
        step({ taskId: "a", status: "done", usage: { inputTokens: 10, outputTokens: 20 } }),
        step({ taskId: "b", status: "running", text: "x".repeat(41) }),
      ],
      2_000,
    );
    expect(totals.usage).toEqual({ inputTokens: 10, outputTokens: 31 });
    expect(totals.estimated).toBe(true);
    expect(totals.costUsd).toBeUndefined();
  });

  it("says a stopped step's estimated tokens are an estimate", () => {
    const totals = runTotals(
      run,
      [
        step({
          taskId: "a",
          status: "stopped",
          usage: { inputTokens: 0, outputTokens: 9 },
          usageEstimated: true,
        }),
      ],
      2_000,
    );
    expect(totals.usage.outputTokens).toBe(9);
    expect(totals.estimated).toBe(true);
  });

  it("takes an ended run's own totals and time", () => {
    const ended: RunPart = {
      ...run,
      status: "done",
      endedAt: 9_000,
      usage: { inputTokens: 100, outputTokens: 200 },
      costUsd: 1.5,
    };
    const totals = runTotals(
      ended,
      [step({ taskId: "a", status: "done", usage: { inputTokens: 1, outputTokens: 2 } })],
      50_000,
    );
    expect(totals).toEqual({
      elapsedMs: 8_000,
      usage: { inputTokens: 100, outputTokens: 200 },
      costUsd: 1.5,
      estimated: false,
    });
  });
});
