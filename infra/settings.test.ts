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

  it("refuse a heartbeat CloudFront would time out before", () => {
    expect(() => checkSettings({ ...defaultSettings, heartbeatMs: 60_000 })).toThrow(/heartbeat/);
  });
});
