/**
 * The least Bedrock access a model id needs. A cross-region inference profile (`us.…`, `eu.…`,
 * `apac.…`, `global.…`) is invoked through the profile's ARN, and Bedrock then calls the
 * foundation model in whichever region the profile routes to: the role needs both, and the
 * foundation-model grant is conditioned on being reached through that profile.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

const INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"];
const PROFILE_PREFIXES = ["us", "us-gov", "eu", "apac", "jp", "au", "ca", "global"];

/** `us.anthropic.claude-…` → `{ prefix: "us", model: "anthropic.claude-…" }`; a plain id → undefined. */
export function parseInferenceProfileId(modelId: string): { prefix: string; model: string } | undefined {
  const dot = modelId.indexOf(".");
  if (dot < 0) return undefined;
  const prefix = modelId.slice(0, dot);
  return PROFILE_PREFIXES.includes(prefix) ? { prefix, model: modelId.slice(dot + 1) } : undefined;
}

export function bedrockStatements(modelId: string, region: string, accountId: string): PolicyStatement[] {
  if (modelId.startsWith("arn:")) {
    // An application inference profile or provisioned throughput: the ARN is the grant.
    return [{ Sid: "InvokeModel", Effect: "Allow", Action: INVOKE, Resource: [modelId] }];
  }
  const profile = parseInferenceProfileId(modelId);
  if (!profile) {
    return [
      {
        Sid: "InvokeModel",
        Effect: "Allow",
        Action: INVOKE,
        Resource: [`arn:aws:bedrock:${region}::foundation-model/${modelId}`],
      },
    ];
  }
  const profileArn = `arn:aws:bedrock:${region}:${accountId}:inference-profile/${modelId}`;
  return [
    { Sid: "InvokeInferenceProfile", Effect: "Allow", Action: INVOKE, Resource: [profileArn] },
    {
      Sid: "InvokeRoutedFoundationModel",
      Effect: "Allow",
      Action: INVOKE,
      // The profile picks the region per request; `global.` profiles use region-less ARNs.
      Resource: [
        `arn:aws:bedrock:*::foundation-model/${profile.model}`,
        ...(profile.prefix === "global" ? [`arn:aws:bedrock:::foundation-model/${profile.model}`] : []),
      ],
      Condition: { StringEquals: { "bedrock:InferenceProfileArn": profileArn } },
    },
  ];
}
