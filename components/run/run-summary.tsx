"use client";

import type { RunPart } from "@/lib/runs/contract";
import { formatCost, formatDuration, formatTokens } from "./format";
import type { RunStep } from "./read-run";
import { runTotals } from "./run-totals";
import { StatusBadge } from "./status-badge";
import { RESULT_ELEMENT_ID } from "./step-anchor";
import { useNow } from "./use-now";

/**
 * The run's status and its totals (time, tokens, cost) as they stand, live while it runs (≈ while
 * part of it is an estimate), with "Jump to result" once there is one and "Follow the run" once
 * the person has scrolled away from a run that is still going.
 */
export function RunSummary({
  run,
  steps,
  hasResult,
  canFollow,
  onFollow,
  onJump,
}: {
  run: RunPart;
  /** Every step, nested ones included. */
  steps: readonly RunStep[];
  hasResult: boolean;
  canFollow: boolean;
  onFollow: () => void;
  onJump: () => void;
}) {
  const live = run.status === "running";
  const now = useNow(live, 500);
  const totals = runTotals(run, steps, now);
  const approx = totals.estimated ? "≈ " : "";
  const cost = formatCost(totals.costUsd);
  return (
    <div className="space-y-2">
      <div
        className="flex flex-wrap items-center gap-2 text-sm"
        data-testid="run-status"
        data-status={run.status}
      >
        <StatusBadge status={run.status} />
        <span
          className="tabular-nums text-muted-foreground"
          data-testid="run-elapsed"
          suppressHydrationWarning
        >
          {formatDuration(totals.elapsedMs)}
        </span>
        <span className="tabular-nums text-muted-foreground" data-testid="run-tokens">
          {approx}
          {formatTokens(totals.usage)} tokens
        </span>
        {cost && (
          <span className="tabular-nums text-muted-foreground" data-testid="run-cost">
            {approx}
            {cost}
          </span>
        )}
      </div>
      <div className="flex flex-wrap gap-2 text-sm">
        {hasResult && (
          <a
            href={`#${RESULT_ELEMENT_ID}`}
            onClick={(event) => {
              event.preventDefault();
              onJump();
            }}
            className="rounded-md border border-border px-3 py-1 hover:bg-muted"
            data-testid="jump-to-result"
          >
            Jump to result <span aria-hidden>↓</span>
          </a>
        )}
        {canFollow && (
          <button
            type="button"
            onClick={onFollow}
            // Pinned to the window: the reader has scrolled away, wherever the summary is.
            className="fixed right-4 bottom-4 z-10 rounded-full bg-primary px-4 py-2 text-primary-foreground shadow-lg hover:opacity-90"
            data-testid="follow-run"
          >
            Follow the run <span aria-hidden>↓</span>
          </button>
        )}
      </div>
    </div>
  );
}
