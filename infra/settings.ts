/**
 * Every choice the stack makes, in one place with its reason, so `sst.config.ts` stays thin and
 * the tests can check the numbers against each other.
 */

export interface StackSettings {
  /** Bedrock model id, cross-region inference-profile id (`us.…`, `eu.…`, `global.…`) or ARN. */
  modelId: string;
  /** Region the app calls Bedrock in, and where the stack lives. */
  region: string;
  memoryMb: number;
  /** The Lambda timeout: the longest a streamed response can last. */
  lambdaTimeoutSeconds: number;
  /** The app ends a run with a clear terminal event before Lambda would cut it. */
  runDeadlineMs: number;
  /** The app sends a heartbeat after this much silence on a run stream. */
  heartbeatMs: number;
  /**
   * How long CloudFront waits for the origin's next byte. 60 s is the most without a quota
   * increase; a live run is never silent longer than the heartbeat, so this only matters before
   * the first byte of a response (a cold start that pulls the image).
   */
  originReadTimeoutSeconds: number;
  logRetentionDays: number;
  priceClass: "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
  architecture: "arm64" | "x86_64";
  /** Days a finished run stays in the runs table before DynamoDB's TTL removes it. */
  runRetentionDays: number;
  /** An optional custom domain, with an ACM certificate in us-east-1 that covers it. */
  domain?: { name: string; certificateArn: string };
}

export const defaultSettings: StackSettings = {
  modelId: "us.anthropic.claude-haiku-4-5-20251001-v1:0",
  region: "us-east-1",
  memoryMb: 1024,
  lambdaTimeoutSeconds: 300,
  runDeadlineMs: 270_000,
  heartbeatMs: 10_000,
  originReadTimeoutSeconds: 60,
  logRetentionDays: 14,
  priceClass: "PriceClass_100",
  architecture: "arm64",
  runRetentionDays: 30,
};

/** Reads overrides from the deploying shell's environment (STEPSTREAM_*), validated. */
export function settingsFromEnv(
  env: Record<string, string | undefined>,
  base = defaultSettings,
): StackSettings {
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return value;
  };
  const priceClass = env.STEPSTREAM_PRICE_CLASS || base.priceClass;
  if (!["PriceClass_100", "PriceClass_200", "PriceClass_All"].includes(priceClass)) {
    throw new Error(`STEPSTREAM_PRICE_CLASS must be PriceClass_100, PriceClass_200 or PriceClass_All`);
  }
  const domainName = env.STEPSTREAM_DOMAIN;
  const certificateArn = env.STEPSTREAM_CERTIFICATE_ARN;
  if (Boolean(domainName) !== Boolean(certificateArn)) {
    throw new Error("Set STEPSTREAM_DOMAIN and STEPSTREAM_CERTIFICATE_ARN together");
  }
  const settings: StackSettings = {
    ...base,
    modelId: env.BEDROCK_MODEL_ID || base.modelId,
    region: env.AWS_REGION || base.region,
    memoryMb: number("STEPSTREAM_MEMORY_MB", base.memoryMb),
    lambdaTimeoutSeconds: number("STEPSTREAM_TIMEOUT_SECONDS", base.lambdaTimeoutSeconds),
    runDeadlineMs: number("STEPSTREAM_RUN_DEADLINE_MS", base.runDeadlineMs),
    priceClass: priceClass as StackSettings["priceClass"],
    ...(domainName && certificateArn ? { domain: { name: domainName, certificateArn } } : {}),
  };
  checkSettings(settings);
  return settings;
}

/** The numbers must agree with each other, or streams get cut with no terminal event. */
export function checkSettings(settings: StackSettings): void {
  if (settings.runDeadlineMs >= settings.lambdaTimeoutSeconds * 1000 - 5_000) {
    throw new Error("The run deadline must end runs at least 5 s before the Lambda timeout");
  }
  if (settings.heartbeatMs >= settings.originReadTimeoutSeconds * 1000) {
    throw new Error("The heartbeat must come more often than CloudFront's origin read timeout");
  }
  if (settings.lambdaTimeoutSeconds > 900) throw new Error("Lambda's timeout is at most 900 s");
  if (settings.originReadTimeoutSeconds > 60) {
    throw new Error("CloudFront's origin read timeout is at most 60 s without a quota increase");
  }
}
