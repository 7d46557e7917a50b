import { describe, expect, it } from "vitest";
import { testStep } from "./test-steps";
import { layoutWaterfall, ticksFor } from "./waterfall-layout";

describe("layoutWaterfall", () => {
  it("places each step on its own row along the run's time axis", () => {
    const layout = layoutWaterfall(
      [
        testStep({ taskId: "plan", startedAt: 1_000, endedAt: 2_000 }),
        testStep({ taskId: "write", startedAt: 2_000, endedAt: 5_000 }),
      ],
      { now: 9_000, runStartedAt: 1_000 },
    );
    expect(layout.spanMs).toBe(4_000);
    expect(layout.bars.map(({ node, offsetPct, widthPct }) => ({ node, offsetPct, widthPct }))).toEqual([
      { node: "plan", offsetPct: 0, widthPct: 25 },
      { node: "write", offsetPct: 25, widthPct: 75 },
    ]);
  });

  it("gives parallel steps a row each, in the graph's node order, and grows a running bar to now", () => {
    const steps = [
      testStep({ taskId: "activities", startedAt: 0, endedAt: 400 }),
      testStep({ taskId: "food", startedAt: 10, endedAt: 300 }),
      testStep({ taskId: "lodging", startedAt: 20, status: "running" }),
    ];
    const order = ["lodging", "activities", "food"];
    const early = layoutWaterfall(steps, { now: 500, runStartedAt: 0, nodeOrder: order });
    expect(early.bars.map((bar) => bar.node)).toEqual(["lodging", "activities", "food"]);
    const lodgingEarly = early.bars[0];
    const later = layoutWaterfall(steps, { now: 1_000, runStartedAt: 0, nodeOrder: order });
    expect(later.spanMs).toBe(1_000);
    expect(later.bars[0]?.durationMs).toBe(980);
    expect(later.bars[0]?.durationMs).toBeGreaterThan(lodgingEarly?.durationMs ?? 0);
    // The finished bars shrink on the longer axis: everything shares one scale.
    expect(later.bars[1]?.widthPct).toBeCloseTo(40);
  });

  it("puts a subgraph's steps under the step that ran them, one level deeper", () => {
    const child = testStep({ taskId: "inner", startedAt: 10, endedAt: 20, parentTaskId: "outer" });
    const layout = layoutWaterfall(
      [
        testStep({ taskId: "outer", startedAt: 0, endedAt: 30, children: [child] }),
        testStep({ taskId: "next", startedAt: 40, endedAt: 50 }),
      ],
      { now: 60 },
    );
    expect(layout.bars.map(({ node, depth }) => [node, depth])).toEqual([
      ["outer", 0],
      ["inner", 1],
      ["next", 0],
    ]);
  });

  it("marks a retried step with its attempt, and keeps a zero-length bar visible", () => {
    const layout = layoutWaterfall(
      [
        testStep({ taskId: "a", startedAt: 0, endedAt: 1_000, attempt: 2, maxAttempts: 3 }),
        testStep({ taskId: "b", startedAt: 1_000, endedAt: 1_000, attempt: 1 }),
      ],
      { now: 1_000 },
    );
    expect(layout.bars[0]?.attempt).toBe(2);
    expect(layout.bars[1]?.attempt).toBeUndefined();
    expect(layout.bars[1]?.widthPct).toBeGreaterThan(0);
    expect((layout.bars[1]?.offsetPct ?? 0) + (layout.bars[1]?.widthPct ?? 0)).toBeLessThanOrEqual(100);
  });

  it("is empty before any step", () => {
    expect(layoutWaterfall([], { now: 0 })).toEqual({ spanMs: 0, bars: [], ticks: [] });
  });
});

describe("ticksFor", () => {
  it("marks round times, at most a handful", () => {
    expect(ticksFor(4_000).map((tick) => tick.ms)).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    expect(ticksFor(25_000).map((tick) => tick.ms)).toEqual([0, 5_000, 10_000, 15_000, 20_000, 25_000]);
    expect(ticksFor(3_600_000).length).toBeLessThanOrEqual(7);
  });
});
