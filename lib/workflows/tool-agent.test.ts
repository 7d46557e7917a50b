import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessageChunk } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { describe, expect, it } from "vitest";
import { createModelFactory, type ModelFactory } from "@/lib/models/factory";
import { offlineToolCallsFor } from "@/lib/models/offline-tools";
import { findWorkflow } from "./registry";
import { MAX_TOOL_ROUNDS, toolAgentStepLabel, toolAgentStepSummary } from "./tool-agent";
import { type AgentRun, runToolAgent, toolCallPieces, toolResults } from "./tool-agent.test-support";
import { calculator } from "./tools/calculator";
import { dateMath } from "./tools/date-math";

/** What a run did, without its run-specific ids: for comparing two runs. */
const transcript = (run: AgentRun) => ({
  nodes: run.nodes,
  pieces: toolCallPieces(run).map(({ piece }) => piece),
  results: toolResults(run).map((message) => [message.tool_call_id, message.status, message.content]),
  answer: run.answer,
});

const offlineModels = () =>
  createModelFactory({
    MODEL_PROVIDER: "offline",
    OFFLINE_TOKENS_PER_SECOND: 0,
    MODEL_MAX_TOKENS: 1024,
    AWS_REGION: "us-east-1",
  });

describe("tool agent, offline", () => {
  const task = "How many days are there between 2026-03-01 and 2026-12-25, and what is 1299 * 12 / 52?";

  it("streams its tool calls in pieces from the agent task, runs them, and answers with the results", async () => {
    const run = await runToolAgent(await offlineModels(), task);
    expect(run.nodes).toEqual(["agent", "tools", "agent"]);

    const expected = offlineToolCallsFor(task, ["calculator", "date_math", "search_docs"]);
    expect(expected.map((call) => call.name)).toEqual(["calculator", "date_math"]);
    const pieces = toolCallPieces(run);
    for (const [index, call] of expected.entries()) {
      const own = pieces.filter(({ piece }) => piece.index === index);
      expect(own.length).toBeGreaterThanOrEqual(3);
      expect(own[0]?.piece).toMatchObject({ id: `call_1_${index}`, name: call.name, args: "" });
      expect(JSON.parse(own.map(({ piece }) => piece.args).join(""))).toEqual(call.args);
    }
    // Every piece is named by the first agent task's checkpoint namespace, as its tokens are.
    expect(new Set(pieces.map(({ meta }) => meta.langgraph_checkpoint_ns))).toEqual(
      new Set([run.agentTaskKeys[0]]),
    );
    expect(pieces.every(({ meta }) => meta.langgraph_node === "agent")).toBe(true);

    const results = toolResults(run);
    expect(results.map((message) => [message.tool_call_id, message.name, message.status])).toEqual([
      ["call_1_0", "calculator", "success"],
      ["call_1_1", "date_math", "success"],
    ]);
    const calculated = await calculator.invoke({ expression: "1299 * 12 / 52" });
    const counted = await dateMath.invoke({
      operation: "days_between",
      date: "2026-03-01",
      other_date: "2026-12-25",
    });
    expect(results.map((message) => message.content)).toEqual([calculated, counted]);
    expect(calculated).toBe("1299 * 12 / 52 = 299.769230769");
    expect(run.answer).toContain(calculated);
    expect(run.answer).toContain(counted);

    // The answer streamed token by token from the second agent task, not all at once at the end.
    const answerTokens = run.messages.filter(
      ({ message, meta }) =>
        meta.langgraph_checkpoint_ns === run.agentTaskKeys[1] &&
        typeof message.content === "string" &&
        message.content,
    );
    expect(answerTokens.length).toBeGreaterThan(20);
    expect(answerTokens.map(({ message }) => message.content).join("")).toBe(run.answer);
  });

  it("takes the same path and gives the same answer every time", async () => {
    const models = await offlineModels();
    const first = await runToolAgent(models, task);
    const second = await runToolAgent(models, task);
    expect(transcript(second)).toEqual(transcript(first));
  });

  it("searches the docs for a question about stepstream and names the sections it found", async () => {
    const run = await runToolAgent(
      await offlineModels(),
      "How does stepstream stream tokens to the browser?",
    );
    const [result] = toolResults(run);
    expect(result?.name).toBe("search_docs");
    const headings = [...String(result?.content).matchAll(/^\[\d\] (.+)$/gm)].map((match) => match[1]);
    expect(headings).toHaveLength(3);
    for (const heading of headings) expect(run.answer).toContain(`**${heading}**`);
  });

  it("recovers from a tool that throws: the error goes back to the model, and the run ends with an answer", async () => {
    const run = await runToolAgent(await offlineModels(), "What is 10 / 0 + 5?");
    expect(run.nodes).toEqual(["agent", "tools", "agent", "tools", "agent"]);
    const [failed, retried] = toolResults(run);
    expect(failed?.status).toBe("error");
    expect(failed?.content).toBe("Error: Division by zero\n Please fix your mistakes.");
    expect(retried).toMatchObject({
      tool_call_id: "call_1_0_retry",
      status: "success",
      content: "10 + 5 = 15",
    });
    expect(run.answer).toContain("Division by zero");
    expect(run.answer).toContain("10 + 5 = 15");
  });

  it("explains an error it cannot correct, and still answers", async () => {
    const run = await runToolAgent(await offlineModels(), "Which weekday is 2026-02-30?");
    expect(run.nodes).toEqual(["agent", "tools", "agent"]);
    expect(toolResults(run)[0]?.status).toBe("error");
    expect(run.answer).toContain('date "2026-02-30" is not a real date, so this part has no answer.');
  });

  it("labels and sums up its steps", async () => {
    const run = await runToolAgent(await offlineModels(), "What is 10 / 0 + 5?");
    const [first, toolStep] = run.state;
    expect(toolAgentStepLabel("agent", { messages: [] })).toBe("Round 1");
    expect(toolAgentStepLabel("agent", { messages: run.state.slice(0, 2) })).toBe("Round 2");
    expect(toolAgentStepLabel("tools", { messages: run.state.slice(0, 1) })).toBe("calculator");
    expect(toolAgentStepSummary("agent", { messages: first ? [first] : [] })).toBe("Called calculator");
    expect(toolAgentStepSummary("tools", { messages: toolStep ? [toolStep] : [] })).toBe(
      "0 results, 1 error",
    );
    expect(toolAgentStepSummary("tools", { messages: run.state.slice(3, 4) })).toBe("1 result");
    expect(toolAgentStepSummary("agent", { messages: run.state.slice(-1) })).toBe("Answered");
  });
});

describe("tool agent, registered", () => {
  it("is in the registry with an example that calls two different tools", async () => {
    const spec = findWorkflow("tool-agent");
    expect(spec).toMatchObject({ title: "Tool-using agent", pattern: "Tool-using agent (ReAct loop)" });
    const input = spec?.inputSchema.parse(spec.exampleInput) ?? "";
    const names = offlineToolCallsFor(input, ["calculator", "date_math", "search_docs"]).map(
      (call) => call.name,
    );
    expect(new Set(names).size).toBeGreaterThanOrEqual(2);
    const graph = await spec?.build().getGraphAsync();
    expect(Object.keys(graph?.nodes ?? {}).sort()).toEqual(["__end__", "__start__", "agent", "tools"]);
  });
});

/** A model that asks for the calculator on every turn: only the round cap ends its loop. */
class AlwaysCallsTools extends BaseChatModel {
  calls = 0;
  _llmType() {
    return "always-calls-tools";
  }
  bindTools() {
    return this;
  }
  async _generate(): Promise<ChatResult> {
    this.calls++;
    const message = new AIMessageChunk({
      content: "Let me calculate again.",
      tool_call_chunks: [
        { id: `loop_${this.calls}`, name: "calculator", args: '{"expression":"1 + 1"}', index: 0 },
      ],
    });
    return { generations: [new ChatGenerationChunk({ message, text: "Let me calculate again." })] };
  }
}

describe("tool agent, round cap", () => {
  it(`stops a model that never stops calling tools after ${MAX_TOOL_ROUNDS} rounds`, async () => {
    const model = new AlwaysCallsTools({});
    const models: ModelFactory = {
      info: { provider: "offline", id: "loop", label: "loop" },
      forRole: () => model,
    };
    const run = await runToolAgent(models, "Loop forever");
    expect(run.nodes.filter((node) => node === "tools")).toHaveLength(MAX_TOOL_ROUNDS);
    expect(model.calls).toBe(MAX_TOOL_ROUNDS + 1);
    expect(run.answer).toBe(
      `Let me calculate again.\n\n*Stopped after ${MAX_TOOL_ROUNDS} rounds of tool calls without a final answer.*`,
    );
  });
});
