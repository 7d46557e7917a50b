import "server-only";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { ToolDefinition } from "@langchain/core/language_models/base";
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import {
  type ChatGenerationChunk,
  type ChatResult,
  ChatGenerationChunk as GenerationChunk,
} from "@langchain/core/outputs";
import { convertToOpenAITool } from "@langchain/core/utils/function_calling";
import { composeOfflineReply, type OfflineRole } from "./offline-replies";
import { type OfflineToolCall, planOfflineAgentTurn } from "./offline-tools";

export interface OfflineChatModelCallOptions extends BaseChatModelCallOptions {
  /** The tools `bindTools` bound, as OpenAI-format definitions. */
  tools?: ToolDefinition[];
}

export interface OfflineChatModelParams extends BaseChatModelParams {
  /** Which node role to write for: each role has its own deterministic template. */
  role: OfflineRole;
  /** Tokens streamed per second; 0 streams as fast as possible. */
  tokensPerSecond: number;
  /** Output cap, as a real model has; the reply is cut after this many tokens. */
  maxTokens: number;
  /**
   * For the benchmark: each token's text becomes ` @<epoch ms>`, the moment it was emitted, so a
   * client can measure the delay the app adds to every token.
   */
  stampTokens?: boolean;
}

/**
 * The embedded demo model: a real LangChain chat model that streams deterministic, role-specific
 * text token by token at a fixed rate, with usage metadata, so every workflow runs with no cloud.
 */
export class OfflineChatModel extends BaseChatModel<OfflineChatModelCallOptions> {
  readonly role: OfflineRole;
  readonly tokensPerSecond: number;
  readonly maxTokens: number;
  readonly stampTokens: boolean;

  constructor(params: OfflineChatModelParams) {
    super(params);
    this.role = params.role;
    this.tokensPerSecond = params.tokensPerSecond;
    this.maxTokens = params.maxTokens;
    this.stampTokens = params.stampTokens ?? false;
  }

  _llmType(): string {
    return "stepstream-offline";
  }

  /** Binds tools as a provider does: in the call options, where the "agent" role reads them. */
  override bindTools(tools: BindToolsInput[], kwargs?: Partial<OfflineChatModelCallOptions>) {
    return this.withConfig({ tools: tools.map((tool) => convertToOpenAITool(tool)), ...kwargs });
  }

  async _generate(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    let whole: ChatGenerationChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options, runManager)) {
      whole = whole ? whole.concat(chunk) : chunk;
    }
    if (!whole) throw new Error("The offline model produced no output");
    return { generations: [whole] };
  }

  async *_streamResponseChunks(
    messages: BaseMessage[],
    options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const signal = options.signal;
    let reply: string;
    if (this.role === "agent") {
      const toolNames = (options.tools ?? []).map((tool) => tool.function.name);
      const turn = planOfflineAgentTurn(messages, toolNames);
      if (turn.kind === "tool-calls") {
        yield* this.streamToolCalls(turn.calls, messages, signal, runManager);
        return;
      }
      reply = turn.text;
    } else {
      reply = composeOfflineReply(this.role, messages.map(messageText));
    }
    const allTokens = splitIntoTokens(reply);
    const tokens = allTokens.slice(0, this.maxTokens);
    const intervalMs = this.tokensPerSecond > 0 ? 1000 / this.tokensPerSecond : 0;
    const startedAt = performance.now();

    for (const [index, word] of tokens.entries()) {
      // Pace against the start time, not the previous token, so timer jitter never accumulates.
      await pauseUntil(startedAt + (index + 1) * intervalMs, signal);
      const token = this.stampTokens ? ` @${(performance.timeOrigin + performance.now()).toFixed(3)}` : word;
      const chunk = new GenerationChunk({ text: token, message: new AIMessageChunk({ content: token }) });
      yield chunk;
      await runManager?.handleLLMNewToken(token, undefined, undefined, undefined, undefined, { chunk });
    }
    signal?.throwIfAborted();

    const stopReason = tokens.length < allTokens.length ? "max_tokens" : "end_turn";
    yield* closeWithUsage(messages, tokens.length, stopReason, runManager);
  }

  /**
   * Streams tool calls as a provider does: per call, a chunk with its id and name at its index,
   * then its JSON arguments in two or more pieces, each paced like a token and each passed to
   * the token callback with the chunk, so LangGraph's `messages` mode sees the tool_call_chunks.
   */
  private async *streamToolCalls(
    calls: OfflineToolCall[],
    messages: BaseMessage[],
    signal: AbortSignal | undefined,
    runManager: CallbackManagerForLLMRun | undefined,
  ): AsyncGenerator<ChatGenerationChunk> {
    const pieces = calls.flatMap((call, index) => [
      { type: "tool_call_chunk" as const, id: call.id, name: call.name, args: "", index },
      ...splitArguments(JSON.stringify(call.args)).map((args) => ({
        type: "tool_call_chunk" as const,
        args,
        index,
      })),
    ]);
    const intervalMs = this.tokensPerSecond > 0 ? 1000 / this.tokensPerSecond : 0;
    const startedAt = performance.now();
    for (const [position, piece] of pieces.entries()) {
      await pauseUntil(startedAt + (position + 1) * intervalMs, signal);
      const chunk = new GenerationChunk({
        text: "",
        message: new AIMessageChunk({ content: "", tool_call_chunks: [piece] }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken("", undefined, undefined, undefined, undefined, { chunk });
    }
    signal?.throwIfAborted();
    yield* closeWithUsage(messages, pieces.length, "tool_use", runManager);
  }
}

/**
 * The closing chunk carries the usage, as Bedrock's metadata event does; it goes through the
 * callbacks too, so token listeners see the counts.
 */
async function* closeWithUsage(
  messages: BaseMessage[],
  outputTokens: number,
  stopReason: "end_turn" | "max_tokens" | "tool_use",
  runManager: CallbackManagerForLLMRun | undefined,
): AsyncGenerator<ChatGenerationChunk> {
  const inputTokens = messages.reduce(
    (sum, message) => sum + splitIntoTokens(messageText(message)).length,
    0,
  );
  const closing = new GenerationChunk({
    text: "",
    message: new AIMessageChunk({
      content: "",
      usage_metadata: {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
      },
      response_metadata: { stopReason },
    }),
  });
  yield closing;
  await runManager?.handleLLMNewToken("", undefined, undefined, undefined, undefined, { chunk: closing });
}

/** Cuts a tool call's JSON arguments into pieces of at most 12 characters, and at least two pieces. */
function splitArguments(json: string): string[] {
  const size = Math.max(1, Math.min(12, Math.ceil(json.length / 2)));
  const pieces: string[] = [];
  for (let start = 0; start < json.length; start += size) pieces.push(json.slice(start, start + size));
  return pieces;
}

/** Splits text into word-sized tokens that keep their leading whitespace, so joining them is lossless. */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

function messageText(message: BaseMessage): string {
  return typeof message.content === "string" ? message.content : message.text;
}

async function pauseUntil(deadline: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  const waitMs = deadline - performance.now();
  if (waitMs <= 0) {
    // Even at full speed, yield to the event loop so a stop request can land between tokens.
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new DOMException("Aborted", "AbortError"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, waitMs);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
