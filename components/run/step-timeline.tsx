"use client";

import type { RunStep } from "./read-run";
import { StepCard } from "./step-card";

/**
 * Groups steps whose run times overlap, so tasks that ran in parallel (fan-out branches, `Send`
 * workers) sit side by side and sequential steps stack.
 */
export function groupParallelSteps(steps: readonly RunStep[]): RunStep[][] {
  const ordered = [...steps].sort((a, b) => a.startedAt - b.startedAt);
  const groups: RunStep[][] = [];
  let groupEnd = Number.NEGATIVE_INFINITY;
  for (const step of ordered) {
    const stepEnd = step.endedAt ?? Number.POSITIVE_INFINITY;
    const current = groups.at(-1);
    if (current && step.startedAt < groupEnd) {
      current.push(step);
      groupEnd = Math.max(groupEnd, stepEnd);
    } else {
      groups.push([step]);
      groupEnd = stepEnd;
    }
  }
  return groups;
}

export function StepTimeline({ steps }: { steps: readonly RunStep[] }) {
  if (steps.length === 0) return null;
  return (
    <ol className="space-y-3" aria-label="Steps" data-testid="step-timeline">
      {groupParallelSteps(steps).map((group) => (
        <li key={group[0]?.taskId}>
          <ol
            className={`grid gap-3 ${group.length > 1 ? "md:grid-cols-2 xl:grid-cols-3" : "grid-cols-1"}`}
            data-parallel={group.length > 1 ? group.length : undefined}
          >
            {group.map((step) => (
              <StepCard key={step.taskId} step={step} />
            ))}
          </ol>
        </li>
      ))}
    </ol>
  );
}
