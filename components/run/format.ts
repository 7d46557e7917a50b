import type { TokenUsage } from "@/lib/runs/contract";

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatTokens(usage: TokenUsage | undefined): string {
  if (!usage) return "";
  return `${usage.inputTokens.toLocaleString("en")} in · ${usage.outputTokens.toLocaleString("en")} out`;
}
