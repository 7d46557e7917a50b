import "server-only";
import {
  AIMessage,
  type BaseMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
} from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { defineWorkflow, taskInput } from "./define";
import { runModel } from "./run-model";
import { calculator } from "./tools/calculator";
import { dateMath } from "./tools/date-math";
import { createSearchDocsTool } from "./tools/search-docs";

/** Rounds of tool calls the agent may make; a model still asking for tools after them is stopped. */
export const MAX_TOOL_ROUNDS = 5;

const ToolAgentState = Annotation.Root({
  ...MessagesAnnotation.spec,
  task: Annotation<string>,
});
type ToolAgentState = typeof ToolAgentState.State;

const instructions = [
  "You are a careful assistant with tools. Use them instead of guessing:",
  "calculator for every calculation, date_math for any date or duration (pass dates as YYYY-MM-DD),",
  "and search_docs for questions about stepstream, the app you run in.",
  "When you have the results, answer in short Markdown that quotes the figures and names the doc sections you used.",
  "If a tool reports an error, fix the input and try once more, or explain the error in your answer.",
].join(" ");

/** Tool-using agent (ReAct): the model calls tools, a ToolNode runs them, until the model answers. */
export function buildToolAgent(options: { docsDir?: string } = {}) {
  const tools = [calculator, dateMath, createSearchDocsTool(options.docsDir)];

  async function agent(state: ToolAgentState, config: RunnableConfig) {
    const model = runModel(config, "agent");
    if (!model.bindTools) throw new Error("This run's model cannot call tools");
    // The task is the conversation's first human turn; the state keeps only what the agent and the
    // tools add, so no step reports the task back as a message of its own.
    const response = await model
      .bindTools(tools)
      .invoke([new SystemMessage(instructions), new HumanMessage(state.task), ...state.messages], config);
    return { messages: [response] };
  }

  function afterAgent(state: ToolAgentState): "tools" | typeof END {
    const last = state.messages.at(-1);
    if (!last || toolCallsOf(last).length === 0) return END;
    return toolRounds(state.messages) > MAX_TOOL_ROUNDS ? END : "tools";
  }

  return new StateGraph(ToolAgentState)
    .addNode("agent", agent)
    .addNode("tools", new ToolNode(tools, { handleToolErrors: true }))
    .addEdge(START, "agent")
    .addConditionalEdges("agent", afterAgent, ["tools", END])
    .addEdge("tools", "agent")
    .compile();
}

export type ToolAgentRunState = ToolAgentState;

/** The final answer: the last AI message's text, with a note if the tool-round cap cut the loop. */
export function toolAgentAnswer(state: Pick<ToolAgentState, "messages">): string {
  const last = [...state.messages].reverse().find((message) => AIMessage.isInstance(message));
  const text = last?.text.trim() ?? "";
  if (!last || toolCallsOf(last).length === 0) return text;
  return `${text}\n\n*Stopped after ${MAX_TOOL_ROUNDS} rounds of tool calls without a final answer.*`.trim();
}

/** "Round n" for the agent; for the tools node, the tools it is about to run. */
export function toolAgentStepLabel(
  node: string,
  input: Pick<ToolAgentState, "messages">,
): string | undefined {
  const messages = input.messages ?? [];
  if (node === "agent") return `Round ${toolRounds(messages) + 1}`;
  if (node === "tools") return namesOf(toolCallsOf(messages.at(-1)));
  return undefined;
}

/** What a finished step did: the tools the agent asked for, or how many tool calls failed. */
export function toolAgentStepSummary(node: string, update: Partial<ToolAgentState>): string | undefined {
  const messages = update.messages ?? [];
  if (node === "agent") {
    const calls = toolCallsOf(messages.at(-1));
    return calls.length > 0 ? `Called ${namesOf(calls)}` : "Answered";
  }
  if (node === "tools") {
    const results = messages.filter((message) => ToolMessage.isInstance(message));
    const failed = results.filter((message) => message.status === "error").length;
    const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
    return failed > 0
      ? `${plural(results.length - failed, "result")}, ${plural(failed, "error")}`
      : plural(results.length, "result");
  }
  return undefined;
}

function toolCallsOf(message: BaseMessage | undefined): { name: string }[] {
  return message && AIMessage.isInstance(message) ? (message.tool_calls ?? []) : [];
}

function toolRounds(messages: readonly BaseMessage[]): number {
  return messages.filter((message) => toolCallsOf(message).length > 0).length;
}

function namesOf(calls: { name: string }[]): string {
  return [...new Set(calls.map((call) => call.name))].join(", ");
}

/** The workflow as the app lists and runs it. */
export const toolAgent = defineWorkflow<ToolAgentRunState>({
  id: "tool-agent",
  title: "Tool-using agent",
  pattern: "Tool-using agent (ReAct loop)",
  description:
    "Calls real tools (a calculator, date arithmetic and a search of stepstream's own docs) as often as it needs, streaming each tool call as it is written, then answers from the results.",
  exampleInput: "How many days are there between 2026-03-01 and 2026-12-25, and what is 1299 * 12 / 52?",
  inputSchema: taskInput("The question for the agent"),
  build: () => buildToolAgent(),
  result: toolAgentAnswer,
  stepLabel: toolAgentStepLabel,
  stepSummary: toolAgentStepSummary,
});
