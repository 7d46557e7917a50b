import "server-only";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { ModelFactory } from "@/lib/models/factory";
import { isWorthRetrying, ModelStreamStalledError, retryNoteFor } from "@/lib/models/model-failures";
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

/** What a node tells the run stream about its model call's attempts (LangGraph's `custom` mode). */
export type ModelAttemptEvent =
  | { kind: "model-attempt"; checkpointNs: string; attempt: number; maxAttempts: number }
  | {
      kind: "model-attempt-failed";
      checkpointNs: string;
      attempt: number;
      maxAttempts: number;
      reason: string;
      willRetry: boolean;
    };

/** How many idle timeouts a model call may take to send its first chunk. */
const FIRST_CHUNK_PATIENCE = 3;
/** The SDK's throttling backoff alone can take several seconds before a first chunk. */
const MIN_FIRST_CHUNK_MS = 15_000;

type NodeConfig = RunnableConfig & {
  writer?: (chunk: unknown) => void;
  executionInfo?: { nodeAttempt?: number };
};

/**
 * Calls the run's model for one node and returns its text. The model streams: LangGraph's
 * `messages` mode relays each token to the run stream, attributed to this node's task. A stream
 * silent for longer than the idle timeout is abandoned as stalled; the node's retry policy
 * decides whether to try again, and each attempt is announced on the `custom` stream.
 */
export async function askModel(config: NodeConfig, prompt: NodePrompt): Promise<string> {
  const model = modelsOf(config).forRole(prompt.role);
  const settings = callSettingsOf(config);
  const facts = Object.entries(prompt.fields).map(([label, value]) => `${label}: ${value}`);
  const human = [facts.join("\n"), prompt.body?.trim()].filter(Boolean).join("\n\n");
  const attempt = config.executionInfo?.nodeAttempt ?? 1;
  const checkpointNs = String(config.configurable?.checkpoint_ns ?? "");
  if (attempt > 1) {
    config.writer?.({ kind: "model-attempt", checkpointNs, attempt, maxAttempts: settings.maxAttempts });
  }

  const watchdog = new AbortController();
  const signal = config.signal ? AbortSignal.any([config.signal, watchdog.signal]) : watchdog.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rearm = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => watchdog.abort(new ModelStreamStalledError(ms)), ms);
  };
  // The first chunk may take longer: the model queues, and the AWS SDK retries a 429 or 5xx with
  // backoff before any answer starts. After it, silence longer than the idle timeout is a stall.
  rearm(Math.max(settings.idleTimeoutMs * FIRST_CHUNK_PATIENCE, MIN_FIRST_CHUNK_MS));
  try {
    let text = "";
    const stream = await model.stream([new SystemMessage(prompt.system), new HumanMessage(human)], {
      ...config,
      signal,
    });
    for await (const chunk of stream) {
      rearm(settings.idleTimeoutMs);
      text += chunk.text;
    }
    return text;
  } catch (error) {
    const failure = watchdog.signal.aborted && !config.signal?.aborted ? watchdog.signal.reason : error;
    if (!config.signal?.aborted) {
      config.writer?.({
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
    clearTimeout(timer);
  }
}

function callSettingsOf(config: RunnableConfig): ModelCallSettings {
  const settings = config.configurable?.modelCalls as ModelCallSettings | undefined;
  return settings ?? { idleTimeoutMs: 30_000, maxAttempts: 1 };
}

function modelsOf(config: RunnableConfig): ModelFactory {
  const models = config.configurable?.models as ModelFactory | undefined;
  if (!models || typeof models.forRole !== "function") {
    throw new Error("The run did not provide a model factory in config.configurable.models");
  }
  return models;
}

export type { BaseChatModel };
