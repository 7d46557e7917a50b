import { HumanMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { Annotation, END, interrupt, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createModelFactory, type ModelFactory } from "@/lib/models/factory";
import { runModel } from "@/lib/workflows/run-model";
import type { RunnableWorkflowGraph, WorkflowSpec } from "@/lib/workflows/types";
import { type RunChunk, type StepPart, taskIdOfPart } from "./contract";
import { executeRun, type RunOutcome } from "./executor";

/**
 * Graphs written only with LangGraph's and LangChain's own APIs, as a team adds its own workflow:
 * nodes that call a chat model the usual way (`stream`, `invoke`), a subgraph, a node that asks a
 * person. They stream like the built-in workflows: steps, their tokens, nesting, questions.
 */
const offline = (): Promise<ModelFactory> =>
  createModelFactory({
    MODEL_PROVIDER: "offline",
    OFFLINE_TOKENS_PER_SECOND: 0,
    MODEL_MAX_TOKENS: 1024,
    AWS_REGION: "us-east-1",
  });

const State = Annotation.Root({
  task: Annotation<string>,
  draft: Annotation<string>,
  answer: Annotation<string>,
});
type State = typeof State.State;

function spec(id: string, build: () => unknown, extra: Partial<WorkflowSpec> = {}): WorkflowSpec {
  return {
    id,
    title: id,
    pattern: "test",
    description: "A graph of plain LangGraph and LangChain calls.",
    exampleInput: "anything",
    inputSchema: z.string(),
    build: () => build() as RunnableWorkflowGraph,
    result: (state) => String(state.answer ?? state.draft ?? ""),
    ...extra,
  };
}

async function run(workflow: WorkflowSpec, options: Partial<Parameters<typeof executeRun>[0]> = {}) {
  const chunks: RunChunk[] = [];
  const outcome: RunOutcome = await executeRun({
    runId: "run-plain",
    workflow,
    input: "Two days in Lyon",
    models: await offline(),
    signal: new AbortController().signal,
    write: (chunk) => chunks.push(chunk),
    ...options,
  });
  return { chunks, outcome };
}

/** Each task's streamed text, by task id, from the text parts' metadata. */
function textByTask(chunks: RunChunk[]): Map<string, string> {
  const taskOfText = new Map<string, string>();
  const texts = new Map<string, string>();
  for (const chunk of chunks) {
    if (chunk.type === "text-start") taskOfText.set(chunk.id, taskIdOfPart(chunk) ?? "");
    if (chunk.type === "text-delta") {
      const taskId = taskOfText.get(chunk.id) ?? "";
      texts.set(taskId, (texts.get(taskId) ?? "") + chunk.delta);
    }
  }
  return texts;
}

const lastSteps = (chunks: RunChunk[]) => {
  const steps = new Map<string, StepPart>();
  for (const chunk of chunks) if (chunk.type === "data-step") steps.set(chunk.data.taskId, chunk.data);
  return [...steps.values()];
};

describe("a graph of plain LangGraph and LangChain calls", () => {
  const build = () =>
    new StateGraph(State)
      // The run's model, through the one documented accessor, streamed the usual way.
      .addNode("write", async (state: State, config: RunnableConfig) => {
        let draft = "";
        for await (const chunk of await runModel(config, "generate").stream(
          [new HumanMessage(state.task)],
          config,
        )) {
          draft += chunk.content;
        }
        return { draft };
      })
      // A model the node makes itself, called with plain invoke().
      .addNode("reply", async (state: State, config: RunnableConfig) => {
        const model = new FakeListChatModel({ responses: [`Final: ${state.draft.slice(0, 20)}`] });
        const reply = await model.invoke([new HumanMessage(state.draft)], config);
        return { answer: String(reply.content) };
      })
      .addEdge(START, "write")
      .addEdge("write", "reply")
      .addEdge("reply", END)
      .compile();

  it("streams each step and its tokens, like the built-in workflows, and ends with one finish", async () => {
    const { chunks, outcome } = await run(spec("plain", build));
    expect(outcome).toEqual({ kind: "ended" });
    const steps = lastSteps(chunks);
    expect(steps.map((step) => [step.node, step.status])).toEqual([
      ["write", "done"],
      ["reply", "done"],
    ]);
    const texts = textByTask(chunks);
    const [draft, answer] = steps;
    expect(texts.get(draft?.taskId ?? "")?.length).toBeGreaterThan(50);
    expect(texts.get(answer?.taskId ?? "")).toBe(`Final: ${texts.get(draft?.taskId ?? "")?.slice(0, 20)}`);
    // The offline model reports usage: the step counts it, as for the built-in nodes.
    expect(draft?.usage?.outputTokens).toBeGreaterThan(0);
    // Every token arrives while its step runs: after the step's start, before its end.
    const order = chunks.map((chunk) =>
      chunk.type === "data-step" ? `${chunk.data.node}:${chunk.data.status}` : chunk.type,
    );
    expect(order.indexOf("text-delta")).toBeGreaterThan(order.indexOf("write:running"));
    expect(order.lastIndexOf("text-delta")).toBeLessThan(order.indexOf("reply:done"));
    expect(order.filter((type) => ["finish", "abort", "error"].includes(type))).toEqual(["finish"]);
    expect(order.at(-1)).toBe("finish");
  });

  it("streams nothing through callbacks for a workflow that relays all its model calls itself", async () => {
    const { chunks } = await run(spec("plain", build, { relaysAllModelCalls: true }));
    expect(chunks.filter((chunk) => chunk.type === "text-delta")).toEqual([]);
    expect(lastSteps(chunks).map((step) => step.status)).toEqual(["done", "done"]);
  });
});

describe("a graph with a subgraph", () => {
  const Inner = Annotation.Root({ draft: Annotation<string> });
  const inner = new StateGraph(Inner)
    .addNode("polish", async (state: typeof Inner.State, config: RunnableConfig) => {
      const reply = await runModel(config, "polish").invoke([new HumanMessage(state.draft ?? "")], config);
      return { draft: String(reply.content) };
    })
    .addEdge(START, "polish")
    .addEdge("polish", END)
    .compile();
  const build = () =>
    new StateGraph(State)
      .addNode("start", () => ({ draft: "A first draft" }))
      .addNode("editing", inner)
      .addEdge(START, "start")
      .addEdge("start", "editing")
      .addEdge("editing", END)
      .compile();

  it("nests the subgraph's steps under the step that ran it, with their own tokens", async () => {
    const { chunks } = await run(spec("nested", build));
    const steps = lastSteps(chunks);
    const editing = steps.find((step) => step.node === "editing");
    const polish = steps.find((step) => step.node === "polish");
    expect(editing?.parentTaskId).toBeUndefined();
    expect(polish?.parentTaskId).toBe(editing?.taskId);
    expect(polish?.status).toBe("done");
    expect(textByTask(chunks).get(polish?.taskId ?? "")?.length).toBeGreaterThan(20);
    // The subgraph's own step starts after, and ends before, the step that ran it.
    const at = (node: string, status: string) =>
      chunks.findIndex(
        (chunk) => chunk.type === "data-step" && chunk.data.node === node && chunk.data.status === status,
      );
    expect(at("polish", "running")).toBeGreaterThan(at("editing", "running"));
    expect(at("polish", "done")).toBeLessThan(at("editing", "done"));
  });
});

describe("a graph that asks a person", () => {
  const build = () =>
    new StateGraph(State)
      .addNode("plan", () => ({ draft: "Plan: walk, eat, sleep" }))
      .addNode("approve", (state: State) => {
        const answer = interrupt({ question: "Is this plan good?", payload: { plan: state.draft } }) as {
          action: string;
          payload?: { plan?: string };
        };
        return {
          answer:
            answer.action === "edit" ? (answer.payload?.plan ?? "") : `${answer.action}: ${state.draft}`,
        };
      })
      .addEdge(START, "plan")
      .addEdge("plan", "approve")
      .addEdge("approve", END)
      .compile();

  it("pauses with its question and no terminal part, then goes on from the answer, on a new graph", async () => {
    const checkpointer = new MemorySaver();
    const workflow = spec("asks", build, { asksPeople: true });
    const first = await run(workflow, { checkpointer });
    expect(first.outcome.kind).toBe("waiting");
    const asked = first.chunks.filter((chunk) => chunk.type === "data-interrupt");
    expect(asked).toHaveLength(1);
    expect(asked[0]?.type === "data-interrupt" && asked[0].data).toMatchObject({
      node: "approve",
      question: "Is this plan good?",
      payload: { plan: "Plan: walk, eat, sleep" },
      actions: ["approve", "edit", "reject"],
    });
    expect(lastSteps(first.chunks).map((step) => [step.node, step.status])).toEqual([
      ["plan", "done"],
      ["approve", "waiting"],
    ]);
    const types = first.chunks.map((chunk) => chunk.type);
    expect(types.filter((type) => ["finish", "abort", "error"].includes(type))).toEqual([]);
    const lastRun = first.chunks.findLast((chunk) => chunk.type === "data-run");
    expect(lastRun?.type === "data-run" && lastRun.data.status).toBe("waiting");

    // Resumed as another process would: a new executor call, the same checkpointer and run id.
    const questions = first.outcome.kind === "waiting" ? first.outcome.questions : [];
    const second = await run(workflow, {
      checkpointer,
      resume: {
        value: { action: "edit", payload: { plan: "Plan: walk more" } },
        interrupts: questions,
        segment: 1,
        startedAt: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
      },
    });
    expect(second.outcome).toEqual({ kind: "ended" });
    const answered = second.chunks.find((chunk) => chunk.type === "data-interrupt");
    expect(answered?.type === "data-interrupt" && answered.data).toMatchObject({
      interruptId: questions[0]?.interruptId,
      answer: { action: "edit", payload: { plan: "Plan: walk more" } },
    });
    expect(second.chunks.find((chunk) => chunk.type === "data-result")).toMatchObject({
      data: { markdown: "Plan: walk more" },
    });
    expect(second.chunks.filter((chunk) => chunk.type === "start")).toEqual([]);
    expect(second.chunks.at(-1)?.type).toBe("finish");
  });

  it("without a checkpointer, says plainly that the workflow must declare that it asks people", async () => {
    const { chunks } = await run(spec("asks", build));
    const terminal = chunks.at(-1);
    expect(terminal?.type).toBe("error");
    expect(terminal?.type === "error" && terminal.errorText).toMatch(/asksPeople/);
  });
});
