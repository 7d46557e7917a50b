import type { StepStatus } from "@/lib/runs/contract";
import type { RunStep } from "./read-run";
import { groupParallelSteps } from "./step-groups";

/** One step's bar on the run's time axis. */
export interface WaterfallBar {
  taskId: string;
  node: string;
  label?: string;
  status: StepStatus;
  /** 0 for the graph's own steps; a subgraph's steps sit one deeper, under the step that ran them. */
  depth: number;
  /** Where the bar starts and how wide it is, as percentages of the axis. */
  offsetPct: number;
  widthPct: number;
  /** From the run's start, and how long it ran (so far, while it runs). */
  startMs: number;
  durationMs: number;
  /** Set when the step's model call was retried: which attempt it is on. */
  attempt?: number;
}

export interface WaterfallLayout {
  spanMs: number;
  /** One bar a row, in the order the step cards show the steps. */
  bars: WaterfallBar[];
  ticks: { ms: number; pct: number }[];
}

/** Bars narrower than this would be a line nobody can see or click. */
const MIN_WIDTH_PCT = 0.75;
const TICK_STEPS_MS = [
  100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
];
const MAX_TICKS = 6;

/**
 * The run's steps as a waterfall: every step on its own row (so parallel steps never share one),
 * each bar placed on one time axis from the run's start to its last end, or to `now` while a step
 * still runs, so running bars grow as time passes.
 */
export function layoutWaterfall(
  steps: readonly RunStep[],
  options: { now: number; runStartedAt?: number; nodeOrder?: readonly string[] },
): WaterfallLayout {
  const rows: { step: RunStep; depth: number }[] = [];
  const place = (level: readonly RunStep[], depth: number) => {
    for (const group of groupParallelSteps(level, options.nodeOrder)) {
      for (const step of group) {
        rows.push({ step, depth });
        place(step.children, depth + 1);
      }
    }
  };
  place(steps, 0);
  if (rows.length === 0) return { spanMs: 0, bars: [], ticks: [] };
  const origin = options.runStartedAt ?? Math.min(...rows.map(({ step }) => step.startedAt));
  const endOf = (step: RunStep) => step.endedAt ?? Math.max(options.now, step.startedAt);
  const spanMs = Math.max(1, ...rows.map(({ step }) => endOf(step) - origin));
  const bars = rows.map(({ step, depth }): WaterfallBar => {
    const startMs = Math.max(0, step.startedAt - origin);
    const durationMs = Math.max(0, endOf(step) - step.startedAt);
    const offsetPct = Math.min(100 - MIN_WIDTH_PCT, (startMs / spanMs) * 100);
    return {
      taskId: step.taskId,
      node: step.node,
      label: step.label,
      status: step.status,
      depth,
      offsetPct,
      widthPct: Math.min(100 - offsetPct, Math.max(MIN_WIDTH_PCT, (durationMs / spanMs) * 100)),
      startMs,
      durationMs,
      ...(step.attempt && step.attempt > 1 ? { attempt: step.attempt } : {}),
    };
  });
  return { spanMs, bars, ticks: ticksFor(spanMs) };
}

/** Round marks along the axis: the smallest round step that needs no more than MAX_TICKS marks. */
export function ticksFor(spanMs: number): { ms: number; pct: number }[] {
  const step =
    TICK_STEPS_MS.find((candidate) => spanMs / candidate <= MAX_TICKS) ??
    Math.ceil(spanMs / MAX_TICKS / 60_000) * 60_000;
  const ticks: { ms: number; pct: number }[] = [];
  for (let ms = 0; ms <= spanMs; ms += step) ticks.push({ ms, pct: (ms / spanMs) * 100 });
  return ticks;
}
