import "server-only";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { ModelFactory } from "@/lib/models/factory";
import { IdleWatchdog } from "@/lib/models/idle-watchdog";
import { isWorthRetrying, retryNoteFor } from "@/lib/models/model-failures";
import type { OfflineRole } from "@/lib/models/offline-replies";
import { describeRunFailure } from "@/lib/runs/run-errors";

/** A node's prompt: instructions, then labelled facts ("Task: …") and any earlier output to build on. */
export interface NodePrompt {
  role: OfflineRole;
  system: string;
  fields: Record<string, string | number>;
  body?: string;
}

/** How the run wants model calls made; the executor puts it in `config.configurable.modelCalls`. */
export interface ModelCallSettings {
  idleTimeoutMs: number;
  maxAttempts: number;
}

/**
 * What a node tells its run while it calls the model, in the order it happens: each token, the
 * call's token usage, and each attempt. `checkpointNs` names the node's task.
 */
export type NodeEvent =
  | { kind: "token"; checkpointNs: string; text: string }
  | { kind: "usage"; checkpointNs: string; inputTokens: number; outputTokens: number }
  | { kind: "model-attempt"; checkpointNs: string; attempt: number; maxAttempts: number }
  | {
      kind: "model-attempt-failed";
      checkpointNs: string;
      attempt: number;
      maxAttempts: number;
      reason: string;
      willRetry: boolean;
    };

/** The tag on every model call of this helper: its tokens reach the run through the relay. */
export const RELAYED_TAG = "stepstream:relayed";

/** Where a node's events go; the executor puts it in `config.configurable.relay`. */
export type NodeEventRelay = (event: NodeEvent) => void;

/** How many idle timeouts a model call may take to send its first chunk. */
const FIRST_CHUNK_PATIENCE = 3;
/** The SDK's throttling backoff alone can take several seconds before a first chunk. */
const MIN_FIRST_CHUNK_MS = 15_000;

type NodeConfig = RunnableConfig & { executionInfo?: { nodeAttempt?: number } };

/**
 * Calls the run's model for one node and returns its text. The model streams, and each token goes
 * straight to the run's relay, named by this node's task: not through LangGraph's `messages` mode,
 * whose callback per token costs several times the rest of a token's path (docs/performance.md).
 * A stream silent for longer than the idle timeout is abandoned as stalled; the node's retry
 * policy decides whether to try again, and each attempt is announced on the relay.
 */
export async function askModel(config: NodeConfig, prompt: NodePrompt): Promise<string> {
  const model = modelsOf(config).forRole(prompt.role);
  const settings = callSettingsOf(config);
  const facts = Object.entries(prompt.fields).map(([label, value]) => `${label}: ${value}`);
  const human = [facts.join("\n"), prompt.body?.trim()].filter(Boolean).join("\n\n");
  const attempt = config.executionInfo?.nodeAttempt ?? 1;
  const checkpointNs = String(config.configurable?.checkpoint_ns ?? "");
  const relay = relayOf(config);
  // The run may hold each model call until what earlier calls spent is counted (the daily token
  // limits), so no call starts after the one that used the last of them.
  const beforeModelCall = config.configurable?.beforeModelCall as (() => Promise<void>) | undefined;
  if (beforeModelCall) await beforeModelCall();
  config.signal?.throwIfAborted();
  if (attempt > 1) {
    relay({ kind: "model-attempt", checkpointNs, attempt, maxAttempts: settings.maxAttempts });
  }

  const watchdog = new IdleWatchdog(
    // The first chunk may take longer: the model queues, and the AWS SDK retries a 429 or 5xx with
    // backoff before any answer starts. After it, silence longer than the idle timeout is a stall.
    Math.max(settings.idleTimeoutMs * FIRST_CHUNK_PATIENCE, MIN_FIRST_CHUNK_MS),
    settings.idleTimeoutMs,
  );
  const signal = config.signal ? AbortSignal.any([config.signal, watchdog.signal]) : watchdog.signal;
  try {
    let text = "";
    const stream = await model.stream([new SystemMessage(prompt.system), new HumanMessage(human)], {
      ...config,
      // Relayed here: the run's callbacks for other model calls leave this one alone.
      tags: [...(config.tags ?? []), RELAYED_TAG],
      signal,
    });
    let inputTokens = 0;
    let outputTokens = 0;
    for await (const chunk of stream) {
      watchdog.touch();
      const delta = typeof chunk.content === "string" ? chunk.content : chunk.text;
      if (delta) {
        text += delta;
        relay({ kind: "token", checkpointNs, text: delta });
      }
      // Providers report usage on a closing chunk (Bedrock's metadata event), never as a token.
      if (chunk.usage_metadata) {
        inputTokens += chunk.usage_metadata.input_tokens ?? 0;
        outputTokens += chunk.usage_metadata.output_tokens ?? 0;
      }
    }
    if (inputTokens + outputTokens > 0) relay({ kind: "usage", checkpointNs, inputTokens, outputTokens });
    return text;
  } catch (error) {
    const failure = watchdog.signal.aborted && !config.signal?.aborted ? watchdog.signal.reason : error;
    if (!config.signal?.aborted) {
      relay({
        kind: "model-attempt-failed",
        checkpointNs,
        attempt,
        maxAttempts: settings.maxAttempts,
        reason: isWorthRetrying(failure) ? retryNoteFor(failure) : describeRunFailure(failure).message,
        willRetry: attempt < settings.maxAttempts && isWorthRetrying(failure),
      });
    }
    throw failure;
  } finally {
    watchdog.dispose();
  }
}

function callSettingsOf(config: RunnableConfig): ModelCallSettings {
  const settings = config.configurable?.modelCalls as ModelCallSettings | undefined;
  return settings ?? { idleTimeoutMs: 30_000, maxAttempts: 1 };
}

const ignore: NodeEventRelay = () => undefined;

function relayOf(config: RunnableConfig): NodeEventRelay {
  const relay = config.configurable?.relay as NodeEventRelay | undefined;
  return typeof relay === "function" ? relay : ignore;
}

function modelsOf(config: RunnableConfig): ModelFactory {
  const models = config.configurable?.models as ModelFactory | undefined;
  if (!models || typeof models.forRole !== "function") {
    throw new Error("The run did not provide a model factory in config.configurable.models");
  }
  return models;
}

export type { BaseChatModel };
