import "server-only";
import {
  BaseCallbackHandler,
  type HandleLLMNewTokenCallbackFields,
  type NewTokenIndices,
} from "@langchain/core/callbacks/base";
import type { AIMessageChunk, BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { RELAYED_TAG } from "@/lib/workflows/model-access";
import { taskIdOfCheckpointNamespace } from "../task-ids";
import type { ToolCall, ToolCallChunk } from "./tool-calls";

/** What a graph's own model and tool calls tell the run, each tied to its node task. */
export interface ModelCallEvents {
  token(taskId: string, text: string): void;
  toolCallChunks(callKey: string, taskId: string, chunks: readonly ToolCallChunk[]): void;
  modelEnded(callKey: string, taskId: string, toolCalls: readonly ToolCall[], usage?: Usage): void;
  toolStarted(toolCallId: string, taskId: string): void;
  toolSucceeded(toolCallId: string, output: unknown): void;
  toolFailed(toolCallId: string, errorText: string): void;
}

interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** What a tool's end leaves: a ToolMessage's content, or the value itself. */
function toolOutputOf(output: unknown): { content: unknown; failed: boolean } {
  const message = output as { content?: unknown; status?: string; lc_kwargs?: unknown } | null;
  if (message && typeof message === "object" && "content" in message) {
    return { content: message.content, failed: message.status === "error" };
  }
  return { content: output, failed: false };
}

/**
 * The run's LangChain callback handler, for graphs whose nodes call a chat model the usual way
 * (`invoke`, `stream`, `bindTools`, prebuilt agents and tool nodes) rather than the project's own
 * helper: tokens, tool-call pieces, whole tool calls, usage and tool results, each tied to its
 * task by the LangGraph checkpoint namespace in the call's metadata. It prefers streaming, so a
 * node's plain `invoke()` streams its tokens too, and it runs inline (awaited): a token is written
 * before LangGraph can report its task's end.
 */
export class ModelCallbacks extends BaseCallbackHandler {
  name = "stepstream-run";
  readonly lc_prefer_streaming = true;
  override awaitHandlers = true;
  override ignoreChain = true;
  override ignoreRetriever = true;
  // Tool events come to handlers that do not ignore agents (LangChain ties the two).
  override ignoreCustomEvent = true;

  /** Which task each model or tool run belongs to (LangChain run id → task id). */
  readonly #tasks = new Map<string, string>();
  /** Tool run id → its tool call id. */
  readonly #toolCalls = new Map<string, string>();

  constructor(private readonly events: ModelCallEvents) {
    super();
  }

  #taskOf(metadata: Record<string, unknown> | undefined): string | undefined {
    return taskIdOfCheckpointNamespace(metadata?.langgraph_checkpoint_ns ?? metadata?.checkpoint_ns);
  }

  override handleChatModelStart(
    _llm: unknown,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    // The project's own helper relays its calls itself, faster (lib/workflows/model-access.ts).
    if (tags?.includes(RELAYED_TAG)) return;
    const taskId = this.#taskOf(metadata);
    if (taskId) this.#tasks.set(runId, taskId);
  }

  override handleLLMNewToken(
    token: string,
    _index: NewTokenIndices,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: HandleLLMNewTokenCallbackFields,
  ): void {
    const taskId = this.#tasks.get(runId);
    if (!taskId) return;
    const message = (fields?.chunk as { message?: AIMessageChunk } | undefined)?.message;
    const text = typeof message?.content === "string" ? message.content : token;
    if (text) this.events.token(taskId, text);
    const pieces = message?.tool_call_chunks;
    if (pieces?.length) this.events.toolCallChunks(runId, taskId, pieces);
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const taskId = this.#tasks.get(runId);
    if (!taskId) return;
    this.#tasks.delete(runId);
    const message = (output.generations[0]?.[0] as { message?: AIMessageChunk } | undefined)?.message;
    const usage = message?.usage_metadata;
    this.events.modelEnded(
      runId,
      taskId,
      (message?.tool_calls ?? []).map((call) => ({ id: call.id, name: call.name, args: call.args })),
      usage ? { inputTokens: usage.input_tokens ?? 0, outputTokens: usage.output_tokens ?? 0 } : undefined,
    );
  }

  override handleLLMError(_error: Error, runId: string): void {
    this.#tasks.delete(runId);
  }

  override handleToolStart(
    _tool: unknown,
    _input: string,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    _runName?: string,
    toolCallId?: string,
  ): void {
    const taskId = this.#taskOf(metadata);
    if (!toolCallId || !taskId) return;
    this.#toolCalls.set(runId, toolCallId);
    this.events.toolStarted(toolCallId, taskId);
  }

  override handleToolEnd(output: unknown, runId: string): void {
    const toolCallId = this.#toolCalls.get(runId);
    if (!toolCallId) return;
    this.#toolCalls.delete(runId);
    const { content, failed } = toolOutputOf(output);
    if (failed) this.events.toolFailed(toolCallId, String(content));
    else this.events.toolSucceeded(toolCallId, content);
  }

  override handleToolError(error: Error, runId: string): void {
    const toolCallId = this.#toolCalls.get(runId);
    if (!toolCallId) return;
    this.#toolCalls.delete(runId);
    this.events.toolFailed(toolCallId, error.message);
  }
}
