"use client";

import type { MouseEvent } from "react";
import type { StepStatus } from "@/lib/runs/contract";
import { formatDuration } from "./format";
import type { RunStep } from "./read-run";
import { stepElementId } from "./step-anchor";
import { useNow } from "./use-now";
import { layoutWaterfall } from "./waterfall-layout";

const barColour: Record<StepStatus, string> = {
  running: "bg-blue-500 animate-pulse",
  waiting: "bg-violet-500",
  done: "bg-green-600",
  failed: "bg-red-600",
  stopped: "bg-amber-500",
};

/**
 * The run's steps on one time axis, a bar a step (so parallel steps sit on rows of their own),
 * growing while steps run. A bar links to its step card: `onSelect` opens and scrolls to it (and
 * without JavaScript the link still jumps there).
 */
export function StepWaterfall({
  steps,
  runStartedAt,
  live,
  nodeOrder,
  onSelect,
}: {
  steps: readonly RunStep[];
  runStartedAt?: number;
  /** True while the run streams: running bars then grow with the clock. */
  live: boolean;
  nodeOrder?: readonly string[];
  onSelect?: (taskId: string) => void;
}) {
  const now = useNow(live, 250);
  const layout = layoutWaterfall(steps, { now, runStartedAt, nodeOrder });
  if (layout.bars.length === 0) return null;
  const select = (event: MouseEvent, taskId: string) => {
    if (!onSelect) return;
    event.preventDefault();
    onSelect(taskId);
  };
  return (
    <section
      className="rounded-lg border border-border bg-card p-3"
      aria-label="Step timeline"
      data-testid="step-waterfall"
    >
      <div className="grid grid-cols-[minmax(0,8rem)_minmax(0,1fr)] gap-x-2 text-[11px] text-muted-foreground">
        <span>Timeline</span>
        <div className="relative h-4" aria-hidden>
          {layout.ticks.map((tick) => (
            <span
              key={tick.ms}
              className="absolute -translate-x-1/2 tabular-nums first:translate-x-0"
              style={{ left: `${tick.pct}%` }}
            >
              {formatDuration(tick.ms)}
            </span>
          ))}
        </div>
      </div>
      <ol className="mt-1 space-y-1">
        {layout.bars.map((bar) => {
          const name = bar.label ? `${bar.node} · ${bar.label}` : bar.node;
          const timing = `${formatDuration(bar.startMs)} + ${formatDuration(bar.durationMs)}`;
          return (
            <li
              key={bar.taskId}
              className="grid grid-cols-[minmax(0,8rem)_minmax(0,1fr)] items-center gap-x-2"
              data-testid="waterfall-row"
              data-node={bar.node}
            >
              <span
                className="truncate font-mono text-xs"
                style={{ paddingLeft: `${bar.depth * 0.75}rem` }}
                title={name}
              >
                {name}
              </span>
              <div className="relative h-4 rounded-sm bg-muted">
                <a
                  href={`#${stepElementId(bar)}`}
                  onClick={(event) => select(event, bar.taskId)}
                  className={`absolute inset-y-0 flex min-w-1 items-center rounded-sm focus:outline-2 focus:outline-offset-1 focus:outline-primary ${barColour[bar.status]}`}
                  style={{ left: `${bar.offsetPct}%`, width: `${bar.widthPct}%` }}
                  title={`${name}: ${bar.status}, ${timing}`}
                  aria-label={`${name}, ${bar.status}, started at ${formatDuration(bar.startMs)}, ran ${formatDuration(bar.durationMs)}${bar.attempt ? `, attempt ${bar.attempt}` : ""}`}
                  data-testid="waterfall-bar"
                  data-status={bar.status}
                  data-width={bar.widthPct.toFixed(2)}
                  suppressHydrationWarning
                >
                  {bar.attempt && (
                    <span
                      className="ml-auto mr-0.5 rounded-sm bg-white/90 px-1 text-[10px] font-semibold leading-3 text-amber-800"
                      data-testid="waterfall-retry"
                    >
                      ↻{bar.attempt}
                    </span>
                  )}
                </a>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
