"use client";

import { formatCost, formatDuration, formatTokens } from "./format";
import { ModelMarkdown } from "./markdown";
import type { RunStep } from "./read-run";
import { StatusBadge } from "./status-badge";
import { ToolCallList } from "./tool-call-list";
import { useNow } from "./use-now";

/** One node task: its status, live elapsed time, its text as it streams, and its cost when done. */
export function StepCard({ step }: { step: RunStep }) {
  const running = step.status === "running";
  const now = useNow(running);
  const elapsed = step.durationMs ?? now - step.startedAt;
  return (
    <li
      className="rounded-lg border border-border bg-card p-4 shadow-sm"
      data-testid="step-card"
      data-node={step.node}
      data-status={step.status}
      data-parent={step.parentTaskId}
      aria-busy={running}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-semibold">{step.node}</span>
        {step.label && <span className="text-sm text-muted-foreground">{step.label}</span>}
        <StatusBadge status={step.status} />
        {running && step.attempt && step.maxAttempts && (
          <span
            className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800"
            data-testid="step-retry"
          >
            Retrying, attempt {step.attempt} of {step.maxAttempts}
          </span>
        )}
        <span className="ml-auto text-xs tabular-nums text-muted-foreground" data-testid="step-elapsed">
          {formatDuration(elapsed)}
          {step.usage && !running ? ` · ${formatTokens(step.usage)} tokens` : ""}
          {!running && formatCost(step.costUsd) ? ` · ${formatCost(step.costUsd)}` : ""}
        </span>
      </div>
      {running && step.retryNote && (
        <p className="mt-2 text-xs text-amber-800" data-testid="step-retry-note">
          {step.retryNote}
        </p>
      )}
      {step.text && (
        <div
          className="prose-sm mt-3 max-h-72 overflow-y-auto text-sm leading-relaxed"
          data-testid="step-text"
          data-chars={step.text.length}
        >
          <ModelMarkdown isAnimating={running}>{step.text}</ModelMarkdown>
        </div>
      )}
      <ToolCallList calls={step.toolCalls} />
      {step.summary && !running && <p className="mt-2 text-xs text-muted-foreground">{step.summary}</p>}
      {step.error && <p className="mt-2 text-sm text-red-700">{step.error}</p>}
      {step.children.length > 0 && (
        <ol
          className="mt-3 space-y-2 border-l-2 border-border pl-3"
          aria-label={`Steps inside ${step.node}`}
          data-testid="nested-steps"
        >
          {step.children.map((child) => (
            <StepCard key={child.taskId} step={child} />
          ))}
        </ol>
      )}
    </li>
  );
}
