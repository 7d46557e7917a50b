import { AIMessageChunk, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import type { ModelFactory } from "@/lib/models/factory";
import { buildToolAgent, toolAgentAnswer } from "./tool-agent";

type StreamEvent = [namespace: string[], mode: string, payload: unknown];
interface TaskEvent {
  id: string;
  name: string;
  input?: unknown;
  result?: unknown;
}
export interface MessageMeta {
  langgraph_node: string;
  langgraph_checkpoint_ns: string;
}

export interface AgentRun {
  /** Node names, in the order their tasks started. */
  nodes: string[];
  /** The checkpoint namespace of each agent task: what its tokens' metadata names. */
  agentTaskKeys: string[];
  messages: Array<{ message: BaseMessage; meta: MessageMeta }>;
  /** Every message the nodes returned, in order (the graph's messages channel). */
  state: BaseMessage[];
  answer: string;
}

/**
 * Runs the tool agent with plain LangGraph streaming (no project executor): the modes and
 * `subgraphs: true` as a run uses them, collecting what each mode says.
 */
export async function runToolAgent(models: ModelFactory, task: string): Promise<AgentRun> {
  const graph = buildToolAgent();
  const run: AgentRun = { nodes: [], agentTaskKeys: [], messages: [], state: [], answer: "" };
  const stream = await graph.stream(
    { task },
    { configurable: { models }, streamMode: ["messages", "tasks", "updates"], subgraphs: true },
  );
  for await (const [namespace, mode, payload] of stream as AsyncIterable<StreamEvent>) {
    if (mode === "tasks") {
      const event = payload as TaskEvent;
      if ("result" in event) continue;
      run.nodes.push(event.name);
      if (event.name === "agent") run.agentTaskKeys.push([...namespace, `agent:${event.id}`].join("|"));
    } else if (mode === "messages") {
      const [message, meta] = payload as [BaseMessage, MessageMeta];
      run.messages.push({ message, meta });
    } else if (mode === "updates") {
      for (const update of Object.values(payload as Record<string, { messages?: BaseMessage[] }>)) {
        run.state.push(...(update.messages ?? []));
      }
    }
  }
  run.answer = toolAgentAnswer({ messages: run.state });
  return run;
}

/** Every tool-call piece the messages mode carried, with the metadata that names its task. */
export const toolCallPieces = (run: AgentRun) =>
  run.messages.flatMap(({ message, meta }) =>
    AIMessageChunk.isInstance(message)
      ? (message.tool_call_chunks ?? []).map((piece) => ({ piece, meta }))
      : [],
  );
/** The ToolMessages the messages mode carried, in order. */
export const toolResults = (run: AgentRun) =>
  run.messages.flatMap(({ message }) => (ToolMessage.isInstance(message) ? [message] : []));
