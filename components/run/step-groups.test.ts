import { describe, expect, it } from "vitest";
import { nodeActivity } from "./node-activity";
import { latestStepOfNode, newestRunningStep, stepElementId } from "./step-anchor";
import { groupParallelSteps, orderByNodes } from "./step-groups";
import { testStep } from "./test-steps";

const nodes = (groups: { node: string }[][]) => groups.map((group) => group.map((step) => step.node));

describe("groupParallelSteps", () => {
  it("stacks steps that ran one after another", () => {
    const steps = [
      testStep({ taskId: "b", startedAt: 20, endedAt: 30 }),
      testStep({ taskId: "a", startedAt: 0, endedAt: 10 }),
    ];
    expect(nodes(groupParallelSteps(steps))).toEqual([["a"], ["b"]]);
  });

  it("puts overlapping steps side by side, in the graph's node order rather than their start order", () => {
    const steps = [
      testStep({ taskId: "plan", startedAt: 0, endedAt: 10 }),
      testStep({ taskId: "activities", startedAt: 11, endedAt: 40 }),
      testStep({ taskId: "food", startedAt: 12, endedAt: 35 }),
      testStep({ taskId: "lodging", startedAt: 13, endedAt: 45 }),
      testStep({ taskId: "compile", startedAt: 50 }),
    ];
    const order = ["__start__", "plan", "lodging", "activities", "food", "compile", "__end__"];
    expect(nodes(groupParallelSteps(steps, order))).toEqual([
      ["plan"],
      ["lodging", "activities", "food"],
      ["compile"],
    ]);
  });

  it("keeps a running step's group open: anything starting after it joins", () => {
    const steps = [
      testStep({ taskId: "a", startedAt: 0 }),
      testStep({ taskId: "b", startedAt: 100, endedAt: 110 }),
    ];
    expect(nodes(groupParallelSteps(steps))).toEqual([["a", "b"]]);
  });
});

describe("orderByNodes", () => {
  it("keeps tasks of one node in start order and puts unknown nodes last", () => {
    const steps = [
      testStep({ taskId: "w2", node: "worker", startedAt: 2 }),
      testStep({ taskId: "x", node: "mystery", startedAt: 0 }),
      testStep({ taskId: "w1", node: "worker", startedAt: 1 }),
      testStep({ taskId: "p", node: "plan", startedAt: 3 }),
    ];
    expect(orderByNodes(steps, ["plan", "worker"]).map((step) => step.taskId)).toEqual([
      "p",
      "w1",
      "w2",
      "x",
    ]);
  });
});

describe("nodeActivity", () => {
  it("lights a node by its most pressing task and counts its tasks", () => {
    const activity = nodeActivity([
      { node: "check", status: "done" },
      { node: "check", status: "running" },
      { node: "check", status: "done" },
      { node: "draft", status: "failed" },
      { node: "draft", status: "done" },
    ]);
    expect(activity.get("check")).toEqual({ status: "running", tasks: 3 });
    expect(activity.get("draft")).toEqual({ status: "failed", tasks: 2 });
    expect(activity.has("polish")).toBe(false);
  });
});

describe("step anchors", () => {
  it("gives a step an element id safe in a selector", () => {
    expect(stepElementId({ taskId: "a1:b/2" })).toBe("step-a1_b_2");
  });

  it("finds a node's latest task", () => {
    const steps = [
      testStep({ taskId: "c1", node: "check", startedAt: 1 }),
      testStep({ taskId: "c2", node: "check", startedAt: 5 }),
      testStep({ taskId: "d1", node: "draft", startedAt: 9 }),
    ];
    expect(latestStepOfNode(steps, "check")?.taskId).toBe("c2");
    expect(latestStepOfNode(steps, "polish")).toBeUndefined();
  });

  it("finds the newest running step, the one the view follows", () => {
    const steps = [
      testStep({ taskId: "a", status: "running", startedAt: 1 }),
      testStep({ taskId: "b", status: "running", startedAt: 3 }),
      testStep({ taskId: "c", status: "done", startedAt: 5 }),
    ];
    expect(newestRunningStep(steps)?.taskId).toBe("b");
    expect(newestRunningStep(steps.slice(2))).toBeUndefined();
  });
});
