import "server-only";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import type { BaseMessage } from "@langchain/core/messages";
import type { LLMResult } from "@langchain/core/outputs";
import { taskIdOfCheckpointNamespace } from "./task-ids";

/**
 * Counts each model call's tokens against the node task that made it. Providers report usage in
 * different places while streaming (Bedrock in its closing metadata event, which never reaches
 * LangGraph's `messages` mode), but every chat model reports its whole message at the end.
 */
export class UsageRecorder extends BaseCallbackHandler {
  name = "stepstream-usage";
  readonly #taskOfCall = new Map<string, string>();

  constructor(private readonly onUsage: (taskId: string, inputTokens: number, outputTokens: number) => void) {
    super();
  }

  override handleChatModelStart(
    _model: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    const taskId = taskIdOfCheckpointNamespace(metadata?.langgraph_checkpoint_ns);
    if (taskId) this.#taskOfCall.set(runId, taskId);
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const taskId = this.#taskOfCall.get(runId);
    this.#taskOfCall.delete(runId);
    if (!taskId) return;
    const generation = output.generations[0]?.[0] as
      | { message?: { usage_metadata?: TokenCounts } }
      | undefined;
    const usage = generation?.message?.usage_metadata;
    if (usage) this.onUsage(taskId, usage.input_tokens ?? 0, usage.output_tokens ?? 0);
  }

  override handleLLMError(_error: unknown, runId: string): void {
    this.#taskOfCall.delete(runId);
  }
}

interface TokenCounts {
  input_tokens?: number;
  output_tokens?: number;
}
