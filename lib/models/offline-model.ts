import "server-only";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel, type BaseChatModelParams } from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import {
  type ChatGenerationChunk,
  type ChatResult,
  ChatGenerationChunk as GenerationChunk,
} from "@langchain/core/outputs";
import { composeOfflineReply, type OfflineRole } from "./offline-replies";

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
export class OfflineChatModel extends BaseChatModel {
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
    const reply = composeOfflineReply(this.role, messages.map(messageText));
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

    const inputTokens = messages.reduce(
      (sum, message) => sum + splitIntoTokens(messageText(message)).length,
      0,
    );
    // The closing chunk carries the usage, as Bedrock's metadata event does; it goes through the
    // callbacks too, so token listeners see the counts.
    const closing = new GenerationChunk({
      text: "",
      message: new AIMessageChunk({
        content: "",
        usage_metadata: {
          input_tokens: inputTokens,
          output_tokens: tokens.length,
          total_tokens: inputTokens + tokens.length,
        },
        response_metadata: { stopReason: tokens.length < allTokens.length ? "max_tokens" : "end_turn" },
      }),
    });
    yield closing;
    await runManager?.handleLLMNewToken("", undefined, undefined, undefined, undefined, { chunk: closing });
  }
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
