import { bedrockBillingServices } from "./spend-alarm.ts";

/**
 * Every choice the stack makes, in one place with its reason, so `sst.config.ts` stays thin and
 * the tests can check the numbers against each other.
 */

/** The app's own limits, passed through from the deploying shell when set (0 turns one off). */
export const APP_LIMITS = [
  "VISITOR_RUNS_PER_DAY",
  "VISITOR_TOKENS_PER_DAY",
  "VISITOR_CONCURRENT_RUNS",
  "CLIENT_RUNS_PER_DAY",
  "DAILY_TOKEN_LIMIT",
] as const;
export type AppLimit = (typeof APP_LIMITS)[number];

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
  /**
   * Concurrent executions reserved for the app function, which are also its ceiling: a flood of
   * requests cannot run more copies than this (nor starve the account's other functions). 0
   * reserves nothing and leaves the function unlimited.
   */
  reservedConcurrency: number;
  /** The optional WAF web ACL: a per-address limit on run starts, in front of the app's own. */
  waf: { enabled: boolean; runLimit: number };
  /** The optional spend alarm: a monthly Bedrock cost budget that emails, never stops anything. */
  spendAlarm?: { email: string; monthlyUsd: number; services: string[] };
  /** Sign-in: an OIDC provider (its client secret is an SST secret) and whether sign-in is required. */
  auth: { required?: string; oidc?: { issuer: string; clientId: string } };
  appLimits: Partial<Record<AppLimit, number>>;
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
  reservedConcurrency: 50,
  waf: { enabled: false, runLimit: 100 },
  auth: {},
  appLimits: {},
};

/** Without an override, the budget's limit in US dollars a month. */
export const DEFAULT_MONTHLY_BUDGET_USD = 100;

type Env = Record<string, string | undefined>;

/** Reads overrides from the deploying shell's environment (STEPSTREAM_*, AUTH_*, limits), validated. */
export function settingsFromEnv(env: Env, base = defaultSettings): StackSettings {
  const priceClass = env.STEPSTREAM_PRICE_CLASS || base.priceClass;
  if (!["PriceClass_100", "PriceClass_200", "PriceClass_All"].includes(priceClass)) {
    throw new Error(`STEPSTREAM_PRICE_CLASS must be PriceClass_100, PriceClass_200 or PriceClass_All`);
  }
  const domainName = env.STEPSTREAM_DOMAIN;
  const certificateArn = env.STEPSTREAM_CERTIFICATE_ARN;
  if (Boolean(domainName) !== Boolean(certificateArn)) {
    throw new Error("Set STEPSTREAM_DOMAIN and STEPSTREAM_CERTIFICATE_ARN together");
  }
  const modelId = env.BEDROCK_MODEL_ID || base.modelId;
  const settings: StackSettings = {
    ...base,
    modelId,
    region: env.AWS_REGION || base.region,
    memoryMb: positive(env, "STEPSTREAM_MEMORY_MB", base.memoryMb),
    lambdaTimeoutSeconds: positive(env, "STEPSTREAM_TIMEOUT_SECONDS", base.lambdaTimeoutSeconds),
    runDeadlineMs: positive(env, "STEPSTREAM_RUN_DEADLINE_MS", base.runDeadlineMs),
    priceClass: priceClass as StackSettings["priceClass"],
    ...(domainName && certificateArn ? { domain: { name: domainName, certificateArn } } : {}),
    reservedConcurrency: nonNegative(env, "STEPSTREAM_RESERVED_CONCURRENCY") ?? base.reservedConcurrency,
    waf: wafFromEnv(env, base.waf),
    ...spendAlarmFromEnv(env, modelId),
    auth: authFromEnv(env),
    appLimits: Object.fromEntries(
      APP_LIMITS.flatMap((name) => {
        const value = nonNegative(env, name);
        return value === undefined ? [] : [[name, value]];
      }),
    ),
  };
  checkSettings(settings);
  return settings;
}

function isSet(env: Env, name: string): boolean {
  return env[name] !== undefined && env[name] !== "";
}

function positive(env: Env, name: string, fallback: number): number {
  if (!isSet(env, name)) return fallback;
  const value = Number(env[name]);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got "${env[name]}"`);
  }
  return value;
}

/** A count where 0 means "none" or "off": digits only, so "1.5", "-1" and "1e3" are refused. */
function nonNegative(env: Env, name: string): number | undefined {
  if (!isSet(env, name)) return undefined;
  const raw = env[name] ?? "";
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new Error(`${name} must be a whole number, 0 or more (0 turns it off), got "${raw}"`);
  }
  return value;
}

/** "true"/"false" (or "1"/"0", as the app reads its own flags). */
function flag(env: Env, name: string): boolean | undefined {
  if (!isSet(env, name)) return undefined;
  const raw = env[name] ?? "";
  if (!["true", "false", "1", "0"].includes(raw)) {
    throw new Error(`${name} must be true or false, got "${raw}"`);
  }
  return raw === "true" || raw === "1";
}

function wafFromEnv(env: Env, base: StackSettings["waf"]): StackSettings["waf"] {
  const enabled = flag(env, "STEPSTREAM_WAF") ?? base.enabled;
  if (!enabled && isSet(env, "STEPSTREAM_WAF_RUN_LIMIT")) {
    throw new Error("STEPSTREAM_WAF_RUN_LIMIT has no effect without STEPSTREAM_WAF=true");
  }
  return { enabled, runLimit: positive(env, "STEPSTREAM_WAF_RUN_LIMIT", base.runLimit) };
}

function spendAlarmFromEnv(env: Env, modelId: string): Pick<StackSettings, "spendAlarm"> {
  const email = env.STEPSTREAM_ALARM_EMAIL;
  if (!email) {
    for (const name of ["STEPSTREAM_MONTHLY_BUDGET_USD", "STEPSTREAM_BUDGET_SERVICES"]) {
      if (isSet(env, name)) throw new Error(`${name} has no effect without STEPSTREAM_ALARM_EMAIL`);
    }
    return {};
  }
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw new Error(`STEPSTREAM_ALARM_EMAIL must be an email address, got "${email}"`);
  }
  const rawLimit = env.STEPSTREAM_MONTHLY_BUDGET_USD || String(DEFAULT_MONTHLY_BUDGET_USD);
  if (!/^\d+(\.\d{1,2})?$/.test(rawLimit) || Number(rawLimit) <= 0) {
    throw new Error(`STEPSTREAM_MONTHLY_BUDGET_USD must be a positive amount of dollars, got "${rawLimit}"`);
  }
  const services = env.STEPSTREAM_BUDGET_SERVICES
    ? env.STEPSTREAM_BUDGET_SERVICES.split(",").map((service) => service.trim())
    : bedrockBillingServices(modelId);
  if (!services?.length || services.some((service) => !service)) {
    throw new Error(
      `The Cost Explorer services ${modelId} bills under are not known here: set STEPSTREAM_BUDGET_SERVICES ` +
        `(comma-separated, as Cost Explorer's Service filter lists them after a first run), e.g. ` +
        `"Amazon Bedrock,Claude Sonnet 4.5 (Amazon Bedrock Edition)"`,
    );
  }
  return { spendAlarm: { email, monthlyUsd: Number(rawLimit), services } };
}

function authFromEnv(env: Env): StackSettings["auth"] {
  const issuer = env.AUTH_OIDC_ISSUER;
  const clientId = env.AUTH_OIDC_CLIENT_ID;
  if (Boolean(issuer) !== Boolean(clientId)) {
    throw new Error("Set AUTH_OIDC_ISSUER and AUTH_OIDC_CLIENT_ID together");
  }
  if (issuer && !(URL.canParse(issuer) && new URL(issuer).protocol === "https:")) {
    throw new Error(`AUTH_OIDC_ISSUER must be an https URL, got "${issuer}"`);
  }
  const required = flag(env, "AUTH_REQUIRED");
  if (required && !issuer) {
    throw new Error("AUTH_REQUIRED=true needs AUTH_OIDC_ISSUER and AUTH_OIDC_CLIENT_ID");
  }
  return {
    ...(required === undefined ? {} : { required: env.AUTH_REQUIRED }),
    ...(issuer && clientId ? { oidc: { issuer, clientId } } : {}),
  };
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
  // AWS WAF's rate-based rules count from 10 to 2,000,000,000 requests per window.
  if (settings.waf.runLimit < 10 || settings.waf.runLimit > 2_000_000_000) {
    throw new Error("STEPSTREAM_WAF_RUN_LIMIT must be from 10 to 2,000,000,000 (AWS WAF's range)");
  }
}
