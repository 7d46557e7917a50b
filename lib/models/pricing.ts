import type { TokenUsage } from "@/lib/runs/contract";

/** US dollars per 1,000 tokens. */
export interface ModelPrice {
  inputPer1k: number;
  outputPer1k: number;
}

/**
 * On-demand Bedrock list prices (us-east-1, USD per 1K tokens) for the models this app is tried
 * with. Cross-region inference profiles (`us.…`, `eu.…`, `global.…`) cost what their model costs.
 * Prices change: MODEL_PRICE_INPUT_PER_1K and MODEL_PRICE_OUTPUT_PER_1K override the table.
 */
export const BEDROCK_PRICES: Record<string, ModelPrice> = {
  "anthropic.claude-haiku-4-5-20251001-v1:0": { inputPer1k: 0.001, outputPer1k: 0.005 },
  "anthropic.claude-sonnet-4-5-20250929-v1:0": { inputPer1k: 0.003, outputPer1k: 0.015 },
  "anthropic.claude-sonnet-4-20250514-v1:0": { inputPer1k: 0.003, outputPer1k: 0.015 },
  "anthropic.claude-3-5-haiku-20241022-v1:0": { inputPer1k: 0.0008, outputPer1k: 0.004 },
  "anthropic.claude-3-haiku-20240307-v1:0": { inputPer1k: 0.00025, outputPer1k: 0.00125 },
  "amazon.nova-micro-v1:0": { inputPer1k: 0.000035, outputPer1k: 0.00014 },
  "amazon.nova-lite-v1:0": { inputPer1k: 0.00006, outputPer1k: 0.00024 },
  "amazon.nova-pro-v1:0": { inputPer1k: 0.0008, outputPer1k: 0.0032 },
  "meta.llama3-3-70b-instruct-v1:0": { inputPer1k: 0.00072, outputPer1k: 0.00072 },
  "mistral.mistral-large-2407-v1:0": { inputPer1k: 0.002, outputPer1k: 0.006 },
};

const GEOGRAPHY_PREFIXES = ["us", "us-gov", "eu", "apac", "jp", "au", "ca", "global"];

/** `us.anthropic.claude-…` → `anthropic.claude-…`; an ARN or a plain id is returned as is. */
export function baseModelId(modelId: string): string {
  const dot = modelId.indexOf(".");
  return dot > 0 && GEOGRAPHY_PREFIXES.includes(modelId.slice(0, dot)) ? modelId.slice(dot + 1) : modelId;
}

/**
 * The price of a model: the environment's override, else the table; the offline model is free.
 * Undefined when unknown (cost is then not shown, rather than shown wrong).
 */
export function priceOf(
  model: { provider: "bedrock" | "offline"; id: string },
  override: { input?: number; output?: number } = {},
): ModelPrice | undefined {
  if (override.input !== undefined && override.output !== undefined) {
    return { inputPer1k: override.input, outputPer1k: override.output };
  }
  if (model.provider === "offline") return { inputPer1k: 0, outputPer1k: 0 };
  return BEDROCK_PRICES[baseModelId(model.id)];
}

/** Dollars for this usage at this price, rounded to a millionth of a dollar. */
export function costOf(usage: TokenUsage, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  const dollars = (usage.inputTokens * price.inputPer1k + usage.outputTokens * price.outputPer1k) / 1000;
  return Math.round(dollars * 1e6) / 1e6;
}
