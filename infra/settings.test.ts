import { describe, expect, it } from "vitest";
import { checkSettings, defaultSettings, settingsFromEnv } from "./settings";

describe("stack settings", () => {
  it("default to numbers that agree: deadline before the Lambda timeout, heartbeat inside CloudFront's", () => {
    expect(() => checkSettings(defaultSettings)).not.toThrow();
    expect(defaultSettings.runDeadlineMs).toBeLessThan(defaultSettings.lambdaTimeoutSeconds * 1000);
    expect(defaultSettings.heartbeatMs).toBeLessThan(defaultSettings.originReadTimeoutSeconds * 1000);
  });

  it("take overrides from the deploying shell", () => {
    const settings = settingsFromEnv({
      BEDROCK_MODEL_ID: "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
      AWS_REGION: "eu-central-1",
      STEPSTREAM_MEMORY_MB: "2048",
      STEPSTREAM_TIMEOUT_SECONDS: "600",
      STEPSTREAM_RUN_DEADLINE_MS: "500000",
      STEPSTREAM_PRICE_CLASS: "PriceClass_All",
      STEPSTREAM_DOMAIN: "steps.example.com",
      STEPSTREAM_CERTIFICATE_ARN: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    });
    expect(settings).toMatchObject({
      modelId: "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
      region: "eu-central-1",
      memoryMb: 2048,
      lambdaTimeoutSeconds: 600,
      runDeadlineMs: 500_000,
      priceClass: "PriceClass_All",
      domain: {
        name: "steps.example.com",
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
      },
    });
    expect(settingsFromEnv({})).toEqual(defaultSettings);
  });

  it.each([
    [{ STEPSTREAM_MEMORY_MB: "lots" }, /STEPSTREAM_MEMORY_MB must be a positive integer/],
    [{ STEPSTREAM_PRICE_CLASS: "PriceClass_1" }, /STEPSTREAM_PRICE_CLASS/],
    [{ STEPSTREAM_DOMAIN: "steps.example.com" }, /together/],
    [
      { STEPSTREAM_TIMEOUT_SECONDS: "120", STEPSTREAM_RUN_DEADLINE_MS: "118000" },
      /5 s before the Lambda timeout/,
    ],
    [{ STEPSTREAM_TIMEOUT_SECONDS: "1200" }, /at most 900/],
  ])("refuse %j", (env, error) => {
    expect(() => settingsFromEnv(env)).toThrow(error);
  });

  it("reserve 50 executions by default, any other count when asked, and none for 0", () => {
    expect(defaultSettings.reservedConcurrency).toBe(50);
    expect(settingsFromEnv({ STEPSTREAM_RESERVED_CONCURRENCY: "8" }).reservedConcurrency).toBe(8);
    expect(settingsFromEnv({ STEPSTREAM_RESERVED_CONCURRENCY: "0" }).reservedConcurrency).toBe(0);
  });

  it("leave the WAF off unless STEPSTREAM_WAF=true, with 100 run starts per address in 5 minutes", () => {
    expect(settingsFromEnv({}).waf).toEqual({ enabled: false, runLimit: 100 });
    expect(settingsFromEnv({ STEPSTREAM_WAF: "true" }).waf).toEqual({ enabled: true, runLimit: 100 });
    expect(settingsFromEnv({ STEPSTREAM_WAF: "true", STEPSTREAM_WAF_RUN_LIMIT: "30" }).waf).toEqual({
      enabled: true,
      runLimit: 30,
    });
    expect(settingsFromEnv({ STEPSTREAM_WAF: "false" }).waf.enabled).toBe(false);
  });

  it("create the spend alarm only with an email, at $100 a month on the default model's two Bedrock services", () => {
    expect(settingsFromEnv({}).spendAlarm).toBeUndefined();
    expect(settingsFromEnv({ STEPSTREAM_ALARM_EMAIL: "ops@example.com" }).spendAlarm).toEqual({
      email: "ops@example.com",
      monthlyUsd: 100,
      services: ["Amazon Bedrock", "Claude Haiku 4.5 (Amazon Bedrock Edition)"],
    });
    const custom = settingsFromEnv({
      STEPSTREAM_ALARM_EMAIL: "ops@example.com",
      STEPSTREAM_MONTHLY_BUDGET_USD: "12.50",
      BEDROCK_MODEL_ID: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
      STEPSTREAM_BUDGET_SERVICES: "Amazon Bedrock, Claude Sonnet 4.5 (Amazon Bedrock Edition)",
    });
    expect(custom.spendAlarm).toEqual({
      email: "ops@example.com",
      monthlyUsd: 12.5,
      services: ["Amazon Bedrock", "Claude Sonnet 4.5 (Amazon Bedrock Edition)"],
    });
  });

  it("take OIDC sign-in, AUTH_REQUIRED and the app's limits from the deploying shell", () => {
    const settings = settingsFromEnv({
      AUTH_OIDC_ISSUER: "https://accounts.example.com",
      AUTH_OIDC_CLIENT_ID: "stepstream-web",
      AUTH_REQUIRED: "1",
      VISITOR_RUNS_PER_DAY: "0",
      DAILY_TOKEN_LIMIT: "5000000",
    });
    expect(settings.auth).toEqual({
      required: "1",
      oidc: { issuer: "https://accounts.example.com", clientId: "stepstream-web" },
    });
    expect(settings.appLimits).toEqual({ VISITOR_RUNS_PER_DAY: 0, DAILY_TOKEN_LIMIT: 5_000_000 });
    expect(settingsFromEnv({}).auth).toEqual({});
    expect(settingsFromEnv({ AUTH_REQUIRED: "false" }).auth).toEqual({ required: "false" });
  });

  it.each([
    [{ STEPSTREAM_RESERVED_CONCURRENCY: "-1" }, /STEPSTREAM_RESERVED_CONCURRENCY must be a whole number/],
    [{ STEPSTREAM_RESERVED_CONCURRENCY: "ten" }, /STEPSTREAM_RESERVED_CONCURRENCY must be a whole number/],
    [{ STEPSTREAM_WAF: "yes" }, /STEPSTREAM_WAF must be true or false/],
    [{ STEPSTREAM_WAF_RUN_LIMIT: "50" }, /no effect without STEPSTREAM_WAF=true/],
    [{ STEPSTREAM_WAF: "true", STEPSTREAM_WAF_RUN_LIMIT: "5" }, /from 10 to 2,000,000,000/],
    [{ STEPSTREAM_ALARM_EMAIL: "ops" }, /STEPSTREAM_ALARM_EMAIL must be an email address/],
    [{ STEPSTREAM_MONTHLY_BUDGET_USD: "50" }, /no effect without STEPSTREAM_ALARM_EMAIL/],
    [{ STEPSTREAM_ALARM_EMAIL: "o@example.com", STEPSTREAM_MONTHLY_BUDGET_USD: "0" }, /positive amount/],
    [{ STEPSTREAM_ALARM_EMAIL: "o@example.com", STEPSTREAM_MONTHLY_BUDGET_USD: "1e3" }, /positive amount/],
    [
      { STEPSTREAM_ALARM_EMAIL: "o@example.com", BEDROCK_MODEL_ID: "amazon.nova-pro-v1:0" },
      /services amazon.nova-pro-v1:0 bills under are not known here: set STEPSTREAM_BUDGET_SERVICES/,
    ],
    [
      { AUTH_OIDC_ISSUER: "https://accounts.example.com" },
      /AUTH_OIDC_ISSUER and AUTH_OIDC_CLIENT_ID together/,
    ],
    [{ AUTH_OIDC_ISSUER: "http://accounts.example.com", AUTH_OIDC_CLIENT_ID: "x" }, /https URL/],
    [{ AUTH_REQUIRED: "true" }, /AUTH_REQUIRED=true needs AUTH_OIDC_ISSUER/],
    [{ AUTH_REQUIRED: "yes" }, /AUTH_REQUIRED must be true or false/],
    [
      { VISITOR_RUNS_PER_DAY: "-3" },
      /VISITOR_RUNS_PER_DAY must be a whole number, 0 or more \(0 turns it off\)/,
    ],
    [{ CLIENT_RUNS_PER_DAY: "1.5" }, /CLIENT_RUNS_PER_DAY must be a whole number/],
    [{ DAILY_TOKEN_LIMIT: "1e6" }, /DAILY_TOKEN_LIMIT must be a whole number/],
    [{ VISITOR_TOKENS_PER_DAY: "lots" }, /VISITOR_TOKENS_PER_DAY must be a whole number/],
    [{ VISITOR_CONCURRENT_RUNS: " 2" }, /VISITOR_CONCURRENT_RUNS must be a whole number/],
  ])("refuse %j", (env, error) => {
    expect(() => settingsFromEnv(env)).toThrow(error);
  });

  it("refuse a heartbeat CloudFront would time out before", () => {
    expect(() => checkSettings({ ...defaultSettings, heartbeatMs: 60_000 })).toThrow(/heartbeat/);
  });
});
