"use client";

import type { RunStep } from "./read-run";
import { StepCard } from "./step-card";
import { groupParallelSteps } from "./step-groups";

/**
 * The run's step cards: sequential steps stack, steps that ran in parallel sit side by side in the
 * graph's node order (`nodeOrder`), so the cards read as the diagram does.
 */
export function StepTimeline({
  steps,
  nodeOrder,
}: {
  steps: readonly RunStep[];
  nodeOrder?: readonly string[];
}) {
  if (steps.length === 0) return null;
  return (
    <ol className="space-y-3" aria-label="Steps" data-testid="step-timeline">
      {groupParallelSteps(steps, nodeOrder).map((group) => (
        <li key={group[0]?.taskId}>
          <ol
            className={`grid items-start gap-3 ${group.length > 1 ? "md:grid-cols-2 xl:grid-cols-3" : "grid-cols-1"}`}
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
