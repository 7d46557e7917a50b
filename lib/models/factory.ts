import "server-only";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { DEFAULT_BEDROCK_MODEL_ID, type ServerEnv } from "@/lib/env";
import type { ModelInfo } from "@/lib/runs/contract";
import type { OfflineRole } from "./offline-replies";

/** Hands each node the model for its role; one factory serves one run. */
export interface ModelFactory {
  readonly info: ModelInfo;
  forRole(role: OfflineRole): BaseChatModel;
}

type ModelEnv = Partial<Pick<ServerEnv, "BEDROCK_MODEL_ID" | "OFFLINE_STAMP_TOKENS">> &
  Pick<
    ServerEnv,
    | "MODEL_PROVIDER"
    | "AWS_REGION"
    | "BEDROCK_ENDPOINT_URL"
    | "MODEL_MAX_TOKENS"
    | "OFFLINE_TOKENS_PER_SECOND"
  >;

/** What the configuration selects, without loading any model code (the health check and the UI use it). */
export function describeModel(env: ModelEnv): ModelInfo {
  if (env.MODEL_PROVIDER === "bedrock") {
    const id = env.BEDROCK_MODEL_ID ?? DEFAULT_BEDROCK_MODEL_ID;
    return { provider: "bedrock", id, label: `Amazon Bedrock · ${id}` };
  }
  return { provider: "offline", id: "stepstream-offline", label: "Offline demo model" };
}

/**
 * Builds the model factory the configuration selects. Model code is imported here, on the first
 * run, so the AWS SDK and LangChain stay off the server's start-up and health-check path.
 */
export async function createModelFactory(env: ModelEnv): Promise<ModelFactory> {
  const info = describeModel(env);
  if (info.provider === "bedrock") {
    const { createBedrockModel } = await import("./bedrock");
    const model = createBedrockModel({
      modelId: info.id,
      region: env.AWS_REGION,
      endpoint: env.BEDROCK_ENDPOINT_URL,
      maxTokens: env.MODEL_MAX_TOKENS,
    });
    return { info, forRole: () => model };
  }
  const { OfflineChatModel } = await import("./offline-model");
  return {
    info,
    forRole: (role) =>
      new OfflineChatModel({
        role,
        tokensPerSecond: env.OFFLINE_TOKENS_PER_SECOND,
        maxTokens: env.MODEL_MAX_TOKENS,
        stampTokens: env.OFFLINE_STAMP_TOKENS ?? false,
      }),
  };
}
