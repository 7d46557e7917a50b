import { describe, expect, it } from "vitest";
import { baseModelId, costOf, priceOf } from "./pricing";

describe("model prices", () => {
  it("price an inference profile as its model", () => {
    expect(baseModelId("us.anthropic.claude-haiku-4-5-20251001-v1:0")).toBe(
      "anthropic.claude-haiku-4-5-20251001-v1:0",
    );
    expect(baseModelId("global.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe(
      "anthropic.claude-sonnet-4-5-20250929-v1:0",
    );
    expect(baseModelId("amazon.nova-lite-v1:0")).toBe("amazon.nova-lite-v1:0");
    expect(priceOf({ provider: "bedrock", id: "eu.amazon.nova-lite-v1:0" })).toEqual({
      inputPer1k: 0.00006,
      outputPer1k: 0.00024,
    });
  });

  it("let the environment override the table, and leave unknown models unpriced", () => {
    expect(priceOf({ provider: "bedrock", id: "acme.unknown-v1" })).toBeUndefined();
    expect(priceOf({ provider: "bedrock", id: "acme.unknown-v1" }, { input: 0.5, output: 1.5 })).toEqual({
      inputPer1k: 0.5,
      outputPer1k: 1.5,
    });
    expect(priceOf({ provider: "offline", id: "stepstream-offline" })).toEqual({
      inputPer1k: 0,
      outputPer1k: 0,
    });
  });

  it("cost usage in dollars, to the millionth", () => {
    const haiku = priceOf({ provider: "bedrock", id: "us.anthropic.claude-haiku-4-5-20251001-v1:0" });
    expect(costOf({ inputTokens: 5000, outputTokens: 3000 }, haiku)).toBe(0.02);
    expect(costOf({ inputTokens: 17, outputTokens: 3 }, haiku)).toBe(0.000032);
    expect(costOf({ inputTokens: 1, outputTokens: 1 }, undefined)).toBeUndefined();
  });
});
