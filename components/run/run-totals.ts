import type { RunPart, TokenUsage } from "@/lib/runs/contract";
import type { RunStep } from "./read-run";

export interface RunTotals {
  elapsedMs: number;
  usage: TokenUsage;
  /** US dollars of the steps priced so far; undefined when no step has a price. */
  costUsd?: number;
  /** Part of the tokens is an estimate: a step still streaming, or one cut off before it reported. */
  estimated: boolean;
}

/** About four characters a token: the server's estimate for text whose tokens were never reported. */
const CHARS_PER_TOKEN = 4;

/**
 * The run's time, tokens and cost as they stand, live: a run that has ended says its own totals;
 * one still going adds up its steps (every step, nested ones included, since each task counts its
 * own model calls), a running step's tokens estimated from the text it has streamed so far.
 */
export function runTotals(run: RunPart, steps: readonly RunStep[], now: number): RunTotals {
  const elapsedMs = (run.endedAt ?? now) - run.startedAt;
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd: number | undefined;
  let estimated = false;
  for (const step of steps) {
    if (step.status === "running") {
      const streamed = Math.ceil(step.text.length / CHARS_PER_TOKEN);
      if (streamed > 0) estimated = true;
      outputTokens += streamed;
      continue;
    }
    if (step.usage) {
      inputTokens += step.usage.inputTokens;
      outputTokens += step.usage.outputTokens;
    }
    if (step.usageEstimated) estimated = true;
    if (step.costUsd !== undefined) costUsd = (costUsd ?? 0) + step.costUsd;
  }
  const ended = run.status !== "running" && run.usage !== undefined;
  if (ended && run.usage) {
    // The run's own account is the settled one (it also counts tokens of calls outside any step).
    return {
      elapsedMs,
      usage: run.usage,
      costUsd: run.costUsd ?? costUsd,
      estimated: steps.some((step) => step.usageEstimated),
    };
  }
  return { elapsedMs, usage: { inputTokens, outputTokens }, costUsd, estimated };
}
