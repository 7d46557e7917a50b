import "server-only";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { ChatBedrockConverse } from "@langchain/aws";

export interface BedrockSettings {
  modelId: string;
  region: string;
  /** A VPC endpoint, gateway or test server; unset means the region's public endpoint. */
  endpoint?: string;
  maxTokens: number;
}

/**
 * A streaming Bedrock Converse model. @langchain/aws drops `clientOptions.endpoint`, so the
 * endpoint is honoured by handing it a client of our own, built with the SDK's default handler
 * and credential chain.
 */
export function createBedrockModel(settings: BedrockSettings): ChatBedrockConverse {
  const client = new BedrockRuntimeClient({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  });
  return new ChatBedrockConverse({
    model: settings.modelId,
    region: settings.region,
    client,
    maxTokens: settings.maxTokens,
    streaming: true,
  });
}
