import { describe, expect, it } from "vitest";
import type { RunUIMessage } from "@/lib/runs/contract";
import { openQuestion, readRun } from "./read-run";

const meta = (taskId: string) => ({ stepstream: { taskId } });
const step = (taskId: string, node: string, status: string, extra: Record<string, unknown> = {}) => ({
  type: "data-step" as const,
  id: taskId,
  data: { taskId, node, status, startedAt: 1, ...extra },
});

/** A run's message as the AI SDK builds it from the stream's parts. */
const message = (parts: unknown[]): RunUIMessage =>
  ({ id: "run-1", role: "assistant", parts }) as RunUIMessage;

describe("readRun", () => {
  it("nests a subgraph's steps under the step that ran it, each with its own text", () => {
    const view = readRun(
      message([
        step("outer", "editing", "running"),
        step("inner", "polish", "done", { parentTaskId: "outer" }),
        { type: "text", text: "polished", state: "done", providerMetadata: meta("inner") },
        step("other", "start", "done"),
      ]),
      "streaming",
      undefined,
    );
    expect(view.steps.map((s) => s.node)).toEqual(["editing", "start"]);
    expect(view.steps[0]?.children.map((s) => [s.node, s.text])).toEqual([["polish", "polished"]]);
    expect(view.allSteps).toHaveLength(3);
  });

  it("gives each step the tool calls its model made, in their states", () => {
    const view = readRun(
      message([
        step("agent-1", "agent", "done"),
        {
          type: "dynamic-tool",
          toolName: "calculator",
          toolCallId: "c1",
          state: "output-error",
          input: { expression: "1/0" },
          errorText: "Division by zero",
          callProviderMetadata: meta("agent-1"),
        },
        {
          type: "dynamic-tool",
          toolName: "date_math",
          toolCallId: "c2",
          state: "input-available",
          input: { operation: "weekday", date: "2026-03-14" },
          callProviderMetadata: meta("agent-1"),
        },
      ]),
      "streaming",
      undefined,
    );
    expect(view.steps[0]?.toolCalls).toEqual([
      {
        toolCallId: "c1",
        toolName: "calculator",
        state: "output-error",
        input: { expression: "1/0" },
        output: undefined,
        errorText: "Division by zero",
      },
      {
        toolCallId: "c2",
        toolName: "date_math",
        state: "input-available",
        input: { operation: "weekday", date: "2026-03-14" },
        output: undefined,
        errorText: undefined,
      },
    ]);
  });

  it("knows the open question while the run waits, and none once it is answered", () => {
    const asked = {
      type: "data-interrupt",
      id: "q1",
      data: {
        interruptId: "q1",
        taskId: "t",
        node: "review",
        question: "OK?",
        actions: ["approve"],
        askedAt: 1,
      },
    };
    const run = (status: string) => ({
      type: "data-run",
      id: "run-1",
      data: {
        runId: "run-1",
        workflow: "w",
        model: { provider: "offline", id: "o", label: "o" },
        status,
        startedAt: 1,
      },
    });
    const waiting = readRun(message([run("running"), asked, run("waiting")]), "ready", undefined);
    expect(openQuestion(waiting)?.question).toBe("OK?");
    expect(waiting.busy).toBe(false);
    const answered = { ...asked, data: { ...asked.data, answer: { action: "approve" }, answeredAt: 2 } };
    const after = readRun(
      message([run("running"), asked, run("waiting"), answered, run("running")]),
      "streaming",
      undefined,
    );
    expect(openQuestion(after)).toBeUndefined();
    expect(after.questions).toHaveLength(1);
    expect(after.busy).toBe(true);
  });
});
