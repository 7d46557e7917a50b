"use client";

import { formatCost, formatDuration, formatTokens } from "./format";
import { ModelMarkdown } from "./markdown";
import type { RunStep } from "./read-run";
import { StatusBadge } from "./status-badge";
import { stepElementId } from "./step-anchor";
import { ToolCallList } from "./tool-call-list";
import { useNow } from "./use-now";

/**
 * One node task, as a native disclosure: its one-line header (name, status, time, tokens, cost)
 * always shows; the body (its streamed text, tool calls, input, nested steps) is open while the
 * step runs, waits or failed, and a finished step folds to its header. A person's click wins:
 * `open` is only set when the status changes, so a card someone opened stays open.
 */
export function StepCard({ step }: { step: RunStep }) {
  const running = step.status === "running";
  const now = useNow(running);
  const elapsed = step.durationMs ?? now - step.startedAt;
  const open = running || step.status === "waiting" || step.status === "failed";
  return (
    <li
      id={stepElementId(step)}
      className="scroll-mt-4 rounded-lg border border-border bg-card shadow-sm"
      data-testid="step-card"
      data-node={step.node}
      data-status={step.status}
      data-parent={step.parentTaskId}
      aria-busy={running}
    >
      <details open={open} className="group" data-testid="step-details">
        <summary
          className="flex cursor-pointer list-none flex-wrap items-center gap-2 rounded-lg p-3 hover:bg-muted/50 [&::-webkit-details-marker]:hidden"
          data-testid="step-summary"
        >
          <span
            aria-hidden
            className="text-xs text-muted-foreground transition-transform group-open:rotate-90"
          >
            ▸
          </span>
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
          <span
            className="ml-auto text-xs tabular-nums text-muted-foreground"
            data-testid="step-elapsed"
            suppressHydrationWarning
          >
            {stepFigures(step, elapsed)}
          </span>
        </summary>
        <div className="px-4 pb-4">
          {running && step.retryNote && (
            <p className="text-xs text-amber-800" data-testid="step-retry-note">
              {step.retryNote}
            </p>
          )}
          {step.text && (
            <div
              className="mt-1 max-h-72 overflow-y-auto text-sm leading-relaxed"
              data-testid="step-text"
              data-markdown="card"
              data-chars={step.text.length}
            >
              <ModelMarkdown isAnimating={running}>{step.text}</ModelMarkdown>
            </div>
          )}
          <ToolCallList calls={step.toolCalls} />
          {step.error && <p className="mt-2 text-sm text-red-700">{step.error}</p>}
          {step.input && (
            <details className="mt-3 text-xs" data-testid="step-input">
              <summary className="cursor-pointer text-muted-foreground hover:text-foreground">
                What this step was given
              </summary>
              <pre className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap break-words rounded-md bg-muted p-2 font-mono">
                {step.input}
              </pre>
            </details>
          )}
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
        </div>
      </details>
    </li>
  );
}

/** "2.4 s · 120 in · 340 out tokens · $0.0012"; tokens marked ≈ when they are an estimate. */
function stepFigures(step: RunStep, elapsed: number): string {
  const figures = [formatDuration(elapsed)];
  if (step.status !== "running" && step.usage) {
    figures.push(`${step.usageEstimated ? "≈ " : ""}${formatTokens(step.usage)} tokens`);
    const cost = formatCost(step.costUsd);
    if (cost) figures.push(cost);
  }
  return figures.join(" · ");
}
